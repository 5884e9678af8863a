using CustomerWorkflow.Bot.Commands;
using CustomerWorkflow.Bot.Conversation;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Scheduling;

namespace CustomerWorkflow.Bot.Scheduling;

/// <summary>
/// The chat side of the scheduler: sends the notices of an overdue step's outcome and the daily digests through the
/// notifier (awaited, so a due item is completed only after its notices went out or were recorded as not delivered), and
/// leaves bringing the proposal's sent cards up to date to the delivery worker.
/// </summary>
internal sealed partial class ScheduledDelivery(IServiceScopeFactory scopes, ApprovalCards cards, DeliveryQueue deliveries, ILogger<ScheduledDelivery> logger) : IDueWorkHandler
{
    public async Task OverdueAsync(OverdueOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Result is not { } result)
        {
            return;
        }

        var view = await cards.ViewAsync(result.Proposal, result.Customer, null, cancellationToken).ConfigureAwait(false);
        await SendAsync(SchedulerText.Notices(outcome, view), cancellationToken).ConfigureAwait(false);
        // Every card sent about the proposal shows where it stands now: the new due date, the new approvers, the outcome.
        deliveries.Enqueue(null, false, [], result.Proposal.Id);
    }

    public async Task DigestAsync(DailyDigest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var people = await cards.PeopleAsync(digest.Waiting.Select(w => w.Proposal.SubmittedBy ?? w.Proposal.CreatedBy), null, cancellationToken).ConfigureAwait(false);
        var unreachable = await SendAsync([new Notice(digest.UserId, SchedulerText.Digest(digest, people.Name))], cancellationToken).ConfigureAwait(false);
        if (unreachable.Count > 0)
        {
            LogDigestUnreachable(logger, digest.UserId);
        }
    }

    private async Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<Notice> notices, CancellationToken cancellationToken)
    {
        if (notices.Count == 0)
        {
            return [];
        }

        // A scope per round, so the typed HttpClients the notifier uses (Graph) come fresh from the factory.
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Notifier>().SendAsync(notices, null, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The daily digest of {UserId} could not be delivered: they have not opened the bot")]
    private static partial void LogDigestUnreachable(ILogger logger, string userId);
}
