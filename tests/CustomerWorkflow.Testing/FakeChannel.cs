using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CustomerWorkflow.Bot.Protocol.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerWorkflow.Testing;

/// <summary>One call the bot made to the channel's Connector API.</summary>
/// <param name="Kind">send, reply, update, delete, create or member; throttled (429) or refused (403) when not taken.</param>
public sealed record ChannelCall(string Kind, string ConversationId, string? ActivityId, Activity? Activity, string? Authorization, long Sequence);

/// <summary>
/// A Bot Connector on loopback (HTTP, or HTTPS with the test CA) under a regional path such as <c>/amer/</c>, as
/// Teams' serviceUrls have: it records every send, reply, update and delete, opens 1:1 conversations, answers member
/// lookups from the members it was told about, and can be told to throttle.
/// </summary>
public sealed class FakeChannel : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TeamsChannelAccount> _members = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ChannelCall> _calls = new();
    private long _sequence;
    private int _throttle;
    private int _refuse;
    private readonly ConcurrentDictionary<string, byte> _refusedConversations = new(StringComparer.Ordinal);

    private FakeChannel(WebApplication app) => _app = app;

    /// <summary>The serviceUrl activities carry, ending in <c>/amer/</c>.</summary>
    public string ServiceUrl { get; private set; } = null!;

    public IReadOnlyCollection<ChannelCall> Calls => _calls;

    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Seconds of Retry-After sent with each throttled answer.</summary>
    public int RetryAfterSeconds { get; set; }

    /// <summary>The next <paramref name="count"/> sends are answered 429 with Retry-After.</summary>
    public void Throttle(int count) => Volatile.Write(ref _throttle, count);

    /// <summary>The next <paramref name="count"/> sends are answered 403 (recorded as <c>refused</c>), as for a bot removed from the chat.</summary>
    public void Refuse(int count) => Volatile.Write(ref _refuse, count);

    /// <summary>Every send, reply and update into this conversation is answered 403 from now on (the user removed the app).</summary>
    public void RefuseConversation(string conversationId) => _refusedConversations[conversationId] = 0;

    public void AddMember(TeamsChannelAccount member)
    {
        ArgumentNullException.ThrowIfNull(member);
        _members[member.Id!] = member;
    }

    /// <summary>The conversation id the channel gives a 1:1 chat with <paramref name="memberId"/>.</summary>
    public static string PersonalConversationId(string memberId) => $"a:{memberId}";

    public IReadOnlyList<ChannelCall> CallsSince(long sequence) =>
        _calls.Where(c => c.Sequence > sequence).OrderBy(c => c.Sequence).ToList();

    public static async Task<FakeChannel> StartAsync(bool https = false, ILoggerProvider? logging = null)
    {
        var app = LoopbackApp.Create(https, logging);
        var channel = new FakeChannel(app);
        app.MapPost("/amer/v3/conversations/{conversationId}/activities", (HttpContext c, string conversationId) => channel.ReceiveAsync(c, "send", conversationId, null));
        app.MapPost("/amer/v3/conversations/{conversationId}/activities/{activityId}", (HttpContext c, string conversationId, string activityId) => channel.ReceiveAsync(c, "reply", conversationId, activityId));
        app.MapPut("/amer/v3/conversations/{conversationId}/activities/{activityId}", (HttpContext c, string conversationId, string activityId) => channel.ReceiveAsync(c, "update", conversationId, activityId));
        app.MapDelete("/amer/v3/conversations/{conversationId}/activities/{activityId}", (HttpContext c, string conversationId, string activityId) => channel.ReceiveAsync(c, "delete", conversationId, activityId));
        app.MapPost("/amer/v3/conversations", (Func<HttpContext, Task<IResult>>)channel.CreateAsync);
        app.MapGet("/amer/v3/conversations/{conversationId}/members/{memberId}", (HttpContext c, string conversationId, string memberId) =>
        {
            channel.Record("member", conversationId, memberId, null, c.Request.Headers.Authorization);
            return channel._members.TryGetValue(memberId, out var member) ? Results.Json(member, ProtocolJson.Options) : Results.NotFound();
        });
        await app.StartAsync().ConfigureAwait(false);
        var port = LoopbackApp.Port(app);
        channel.ServiceUrl = https ? $"https://localhost:{port}/amer/" : $"http://127.0.0.1:{port}/amer/";
        return channel;
    }

    private async Task<IResult> ReceiveAsync(HttpContext context, string kind, string conversationId, string? activityId)
    {
        if (kind != "delete" && Interlocked.Decrement(ref _throttle) >= 0)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Record("throttled", conversationId, activityId, null, context.Request.Headers.Authorization);
            return Results.StatusCode(429);
        }

        if (kind != "delete" && (_refusedConversations.ContainsKey(conversationId) || Interlocked.Decrement(ref _refuse) >= 0))
        {
            Record("refused", conversationId, activityId, null, context.Request.Headers.Authorization);
            return Results.StatusCode(403);
        }

        Activity? activity = null;
        if (kind != "delete")
        {
            activity = await JsonSerializer.DeserializeAsync<Activity>(context.Request.Body, ProtocolJson.Options, context.RequestAborted).ConfigureAwait(false);
        }

        var call = Record(kind, conversationId, activityId, activity, context.Request.Headers.Authorization);
        return Results.Json(new ResourceResponse(kind == "update" ? activityId : $"act-{call.Sequence}"), ProtocolJson.Options);
    }

    private async Task<IResult> CreateAsync(HttpContext context)
    {
        var parameters = await JsonSerializer.DeserializeAsync<ConversationParameters>(context.Request.Body, ProtocolJson.Options, context.RequestAborted).ConfigureAwait(false);
        var member = parameters?.Members?.FirstOrDefault()?.Id;
        if (string.IsNullOrEmpty(member) || parameters!.TenantId is null)
        {
            return Results.BadRequest();
        }

        var id = PersonalConversationId(member);
        Record("create", id, null, parameters.Activity, context.Request.Headers.Authorization);
        return Results.Json(new ConversationResourceResponse(id, null, null), ProtocolJson.Options);
    }

    private ChannelCall Record(string kind, string conversationId, string? activityId, Activity? activity, string? authorization)
    {
        var call = new ChannelCall(kind, conversationId, activityId, activity, authorization, Interlocked.Increment(ref _sequence));
        _calls.Enqueue(call);
        return call;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
