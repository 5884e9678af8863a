using System.Text.Json;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Core.Samples;

namespace CustomerWorkflow.Bot.WebChat;

/// <summary>
/// The built-in web chat: the page at <c>/</c>, and the Connector API the bot answers it through
/// (<c>/webchat/v3/…</c>, the serviceUrl the page puts on its activities), plus what the page polls. On in
/// development mode (no app id, loopback); with an app id only when <c>WebChat:Enabled</c> is true.
/// </summary>
internal static class WebChatEndpoints
{
    public const string EnabledKey = "WebChat:Enabled";

    public static bool IsEnabled(IConfiguration configuration, BotProtocolOptions options) =>
        configuration.GetValue<bool?>(EnabledKey) ?? options.IsAnonymous;

    public static void MapWebChat(this WebApplication app)
    {
        var channel = app.Services.GetRequiredService<WebChatChannel>();
        foreach (var user in SampleData.Users)
        {
            channel.AddMember(Member(user.Id, user.DisplayName));
        }

        app.UseDefaultFiles();
        app.UseStaticFiles();

        // Beside an app id the page has no channel token to send: its own activities are taken, unauthenticated, when
        // they come from this machine and name this host's web chat as their serviceUrl (development mode takes them anyway).
        app.Services.GetRequiredService<Protocol.Hosting.BotAdapter>().AcceptWithoutToken = IsLocalWebChat;

        var connector = app.MapGroup("/webchat/v3/conversations");
        connector.MapPost("/{conversationId}/activities", (string conversationId, Activity activity) =>
            Results.Json(new ResourceResponse(channel.Add(conversationId, activity)), ProtocolJson.Options));
        connector.MapPost("/{conversationId}/activities/{activityId}", (string conversationId, string activityId, Activity activity) =>
        {
            activity.ReplyToId ??= activityId;
            return Results.Json(new ResourceResponse(channel.Add(conversationId, activity)), ProtocolJson.Options);
        });
        connector.MapPut("/{conversationId}/activities/{activityId}", (string conversationId, string activityId, Activity activity) =>
            channel.Update(conversationId, activityId, activity)
                ? Results.Json(new ResourceResponse(activityId), ProtocolJson.Options)
                : Results.NotFound());
        connector.MapDelete("/{conversationId}/activities/{activityId}", (string conversationId, string activityId) =>
            channel.Delete(conversationId, activityId) ? Results.Ok() : Results.NotFound());
        connector.MapPost("/", (ConversationParameters parameters) =>
            parameters.Members is [{ Id: { } member }] && member.StartsWith("wc:", StringComparison.Ordinal)
                ? Results.Json(new ConversationResourceResponse(WebChatChannel.PersonalConversationId(member[3..]), null, null), ProtocolJson.Options)
                : Results.BadRequest());
        connector.MapGet("/{conversationId}/members/{memberId}", (string conversationId, string memberId) =>
            channel.Member(memberId) is { } found ? Results.Json(found, ProtocolJson.Options) : Results.NotFound());

        var page = app.MapGroup("/webchat/api");
        page.MapGet("/users", () => Results.Json(SampleData.Users.Select(u => new { id = u.Id, name = u.DisplayName, role = Role(u.Roles) })));
        page.MapPost("/users", (WebChatUser user) =>
        {
            if (string.IsNullOrWhiteSpace(user.Name) || user.Name.Length > 60)
            {
                return Results.BadRequest(new { error = "Give a name of at most 60 characters." });
            }

            var id = Slug(user.Name);
            channel.AddMember(Member(id, user.Name.Trim()));
            return Results.Json(new { id, name = user.Name.Trim() });
        });
        page.MapGet("/conversations/{conversationId}", (string conversationId, long? since) =>
        {
            var (version, activities, deleted) = channel.Changes(conversationId, since ?? 0);
            return Results.Json(new { version, activities, deleted }, ProtocolJson.Options);
        });
    }

    private static bool IsLocalWebChat(HttpContext http, Activity activity)
    {
        var remote = http.Connection.RemoteIpAddress;
        var own = $"{http.Request.Scheme}://{http.Request.Host}/webchat/";
        return remote is not null && System.Net.IPAddress.IsLoopback(remote)
            && activity.ChannelId == WebChatChannel.ChannelId
            && string.Equals(activity.ServiceUrl, own, StringComparison.OrdinalIgnoreCase)
            && Uri.TryCreate(own, UriKind.Absolute, out var uri) && uri.IsLoopback;
    }

    private static TeamsChannelAccount Member(string id, string name) => new()
    {
        Id = WebChatChannel.ChannelUserId(id),
        Name = name,
        AadObjectId = id,
        UserPrincipalName = Slug(name).Replace('-', '.') + "@example.com",
        Email = Slug(name).Replace('-', '.') + "@example.com",
    };

    private static string Role(Core.Roles roles) => roles.HasFlag(Core.Roles.Admin) ? "admin" : roles.HasFlag(Core.Roles.Approver) ? "approver" : "clerk";

    /// <summary>A typed name as an id: lower case letters and digits joined by dashes.</summary>
    internal static string Slug(string name)
    {
        var parts = new string(name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : ' ').ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "guest" : string.Join('-', parts);
    }
}

internal sealed record WebChatUser(string? Name);
