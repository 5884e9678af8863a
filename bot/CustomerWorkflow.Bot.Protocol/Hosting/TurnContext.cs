using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Schema;

namespace CustomerWorkflow.Bot.Protocol.Hosting;

/// <summary>One turn: the activity that arrived and the ways to answer it (the SDK's <c>ITurnContext</c>).</summary>
public interface ITurnContext
{
    Activity Activity { get; }

    /// <summary>True once anything was sent in this turn.</summary>
    bool Responded { get; }

    /// <summary>What an invoke answers; null means nobody handled it (501).</summary>
    InvokeResponse? InvokeResponse { get; set; }

    /// <summary>Per-turn state for handlers and middleware.</summary>
    IDictionary<string, object> TurnState { get; }

    Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default);

    Task<ResourceResponse> UpdateActivityAsync(Activity activity, CancellationToken cancellationToken = default);

    Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default);
}

public static class TurnContextExtensions
{
    /// <summary>Sends a plain-text reply to the turn's activity.</summary>
    public static Task<ResourceResponse> SendActivityAsync(this ITurnContext context, string text, CancellationToken cancellationToken = default) =>
        context.SendActivityAsync(context.Activity.CreateReply(text), cancellationToken);

    /// <summary>True when the turn's activity came with a verified channel token (not development mode, not proactive).</summary>
    public static bool IsAuthenticated(this ITurnContext context) =>
        context.TurnState.TryGetValue(BotAdapter.AuthenticatedKey, out var value) && value is true;
}

/// <summary>
/// A turn bound to a conversation: sends go through the <see cref="ConnectorClient"/> to the activity's serviceUrl,
/// filling in the addressing (from, recipient, conversation, replyToId) the way the SDK does.
/// </summary>
public sealed class TurnContext(Activity activity, ConnectorClient connector) : ITurnContext
{
    private int _responded;

    public Activity Activity { get; } = activity;

    public bool Responded => Volatile.Read(ref _responded) == 1;

    public InvokeResponse? InvokeResponse { get; set; }

    public IDictionary<string, object> TurnState { get; } = new Dictionary<string, object>(StringComparer.Ordinal);

    public async Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default)
    {
        Address(activity);
        var (serviceUrl, conversationId) = Target();
        var response = string.IsNullOrEmpty(activity.ReplyToId) || activity.Type == ActivityTypes.Typing
            ? await connector.SendToConversationAsync(serviceUrl, conversationId, activity, cancellationToken).ConfigureAwait(false)
            : await connector.ReplyToActivityAsync(serviceUrl, conversationId, activity.ReplyToId, activity, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _responded, 1);
        return response ?? new ResourceResponse(null);
    }

    public async Task<ResourceResponse> UpdateActivityAsync(Activity activity, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(activity.Id))
        {
            throw new ArgumentException("An update needs the id of the activity it replaces.", nameof(activity));
        }

        Address(activity);
        var (serviceUrl, conversationId) = Target();
        return await connector.UpdateActivityAsync(serviceUrl, conversationId, activity.Id, activity, cancellationToken).ConfigureAwait(false)
            ?? new ResourceResponse(activity.Id);
    }

    public Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default)
    {
        var (serviceUrl, conversationId) = Target();
        return connector.DeleteActivityAsync(serviceUrl, conversationId, activityId, cancellationToken);
    }

    private (string ServiceUrl, string ConversationId) Target()
    {
        var serviceUrl = Activity.ServiceUrl;
        var conversationId = Activity.Conversation?.Id;
        if (string.IsNullOrEmpty(serviceUrl) || string.IsNullOrEmpty(conversationId))
        {
            throw new InvalidOperationException("This turn's activity has no serviceUrl or conversation to answer in.");
        }

        return (serviceUrl, conversationId);
    }

    private void Address(Activity outgoing)
    {
        outgoing.Type ??= ActivityTypes.Message;
        outgoing.From ??= Activity.Recipient;
        outgoing.Recipient ??= Activity.From;
        outgoing.Conversation ??= Activity.Conversation;
        outgoing.Locale ??= Activity.Locale;
    }
}
