using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerWorkflow.Bot.Protocol.Schema;

/// <summary>What the connector answers to send, reply and update: the activity's id.</summary>
public sealed record ResourceResponse(string? Id);

/// <summary>The answer to creating a conversation.</summary>
public sealed record ConversationResourceResponse(string? Id, string? ActivityId, string? ServiceUrl);

/// <summary>The body of <c>POST /v3/conversations</c> (a proactive 1:1 chat in Teams: one member and the tenant).</summary>
public sealed class ConversationParameters
{
    public bool? IsGroup { get; set; }

    public ChannelAccount? Bot { get; set; }

    public IList<ChannelAccount>? Members { get; set; }

    public string? TopicName { get; set; }

    public string? TenantId { get; set; }

    public Activity? Activity { get; set; }

    public JsonElement? ChannelData { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }
}

/// <summary>A member as Teams describes it, with the directory fields the connector adds.</summary>
public sealed class TeamsChannelAccount
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? AadObjectId { get; set; }

    public string? Email { get; set; }

    public string? UserPrincipalName { get; set; }

    public string? TenantId { get; set; }

    public string? GivenName { get; set; }

    public string? Surname { get; set; }

    public string? UserRole { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Properties { get; set; }
}
