using CustomerWorkflow.Bot.Graph;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Core.People;

namespace CustomerWorkflow.Bot.Scheduling;

/// <summary>
/// Out-of-office from the person's mailbox (automatic replies, through Microsoft Graph, cached for a minute by the
/// client). Without Graph, or when Graph fails, the person reads as present: routing to a substitute is a convenience,
/// never a reason to fail a submit or a reminder.
/// </summary>
internal sealed partial class GraphOutOfOffice(GraphOptions options, IServiceScopeFactory scopes, TimeProvider time, ILogger<GraphOutOfOffice> logger) : IOutOfOfficeSource
{
    public async Task<OutOfOffice?> GetOutOfOfficeAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (!options.Enabled)
        {
            return null;
        }

        try
        {
            // A scope per lookup, so the typed Graph HttpClient comes fresh from the factory (this source is a singleton).
            await using var scope = scopes.CreateAsyncScope();
            var replies = await scope.ServiceProvider.GetRequiredService<GraphClient>().GetAutomaticRepliesAsync(userId, cancellationToken).ConfigureAwait(false);
            return replies.IsAwayAt(time.GetUtcNow())
                ? new OutOfOffice(replies.Status == AutomaticRepliesStatus.Scheduled ? replies.ScheduledEnd : null)
                : null;
        }
        catch (Exception exception) when (exception is GraphException or HttpRequestException or ChannelTokenException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogLookupFailed(logger, exception, userId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the automatic replies of {UserId} from Microsoft Graph")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, string userId);
}
