using System.Threading.Channels;
using CustomerWorkflow.Bot.Commands;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Cards.Model;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Bot.Conversation;

/// <summary>
/// Work a turn leaves for after its answer: notices to other people, and bringing every sent card of a proposal up
/// to date. The answer (an invoke's card above all) never waits for it. <see cref="WhenIdleAsync"/> lets tests and
/// shutdown wait until everything queued so far is done.
/// </summary>
internal sealed class DeliveryQueue : Hosting.WorkQueue<DeliveryJob>
{
    /// <summary>
    /// Queues notices and card updates; <paramref name="turn"/> is the activity that caused them (where to open chats,
    /// whom to tell about failures), or null for work of the scheduler, which no turn caused.
    /// </summary>
    public void Enqueue(Activity? turn, bool authenticated, IReadOnlyList<Notice> notices, string? proposalId)
    {
        if (notices.Count == 0 && proposalId is null)
        {
            return;
        }

        Enqueue(new DeliveryJob(turn, authenticated, notices, proposalId));
    }
}

internal sealed record DeliveryJob(Activity? Turn, bool Authenticated, IReadOnlyList<Notice> Notices, string? ProposalId);

/// <summary>
/// Does the queued work in the background: sends the notices (each tried up to three times), tells the actor who could
/// not be reached, and replaces every card sent about the proposal with its current view for that card's reader (PUT).
/// A failure is logged and recorded with the proposal's history; the decision itself was already stored. Each job runs in
/// a scope of its own, so the typed HttpClients the notifier uses (Graph) are fresh from the factory.
/// </summary>
internal sealed partial class DeliveryWorker(
    DeliveryQueue queue,
    IServiceScopeFactory scopes,
    BotAdapter adapter,
    ApprovalCards cards,
    ProposalEngine engine,
    IDeliveryStore delivery,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await RunAsync(job, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogJobFailed(logger, exception, job.ProposalId);
            }
            finally
            {
                queue.Done();
            }
        }
    }

    private async Task RunAsync(DeliveryJob job, CancellationToken cancellationToken)
    {
        TurnContext? turn = null;
        if (job.Turn is { } activity)
        {
            turn = new TurnContext(activity, adapter.Connector);
            turn.TurnState[BotAdapter.AuthenticatedKey] = job.Authenticated;
        }
        if (job.ProposalId is { } proposalId)
        {
            await UpdateCardsAsync(proposalId, cancellationToken).ConfigureAwait(false);
        }

        if (job.Notices.Count > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var notifier = scope.ServiceProvider.GetRequiredService<Notifier>();
            var unreachable = await notifier.SendAsync(job.Notices, turn, cancellationToken).ConfigureAwait(false);
            if (unreachable.Count > 0 && turn is not null)
            {
                await turn.SendActivityAsync(
                    $"I couldn't notify {string.Join(", ", unreachable.Distinct())}: they haven't opened the bot yet. It is in their `inbox` once they do.",
                    cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every card sent about the proposal now shows where it stands, for the person it was sent to.</summary>
    private async Task UpdateCardsAsync(string proposalId, CancellationToken cancellationToken)
    {
        var sent = await delivery.ListSentCardsAsync(proposalId, cancellationToken).ConfigureAwait(false);
        if (sent.Count == 0)
        {
            return;
        }

        var proposal = await engine.GetProposalAsync(proposalId, cancellationToken).ConfigureAwait(false);
        foreach (var card in sent)
        {
            if (StoredAddress.FromJson(card.Address) is not { } address)
            {
                continue;
            }

            var view = await cards.CardAsync(proposal, null, card.UserId, null, cancellationToken).ConfigureAwait(false);
            var update = new Activity
            {
                Type = ActivityTypes.Message,
                Id = card.ActivityId,
                Attachments = [ApprovalCards.Attachment(view)],
            };
            try
            {
                await Retry.RunAsync(() => adapter.ContinueConversationAsync(address.Reference, (context, ct) => context.UpdateActivityAsync(update, ct), cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (Retry.IsTransient(exception))
            {
                LogUpdateFailed(logger, exception, proposalId, card.ActivityId);
                if (ProposalId.CustomerIdOf(proposalId) is { } customerId)
                {
                    await delivery.AddNoticeAsync(new NoticeRecord(proposalId, customerId, DateTimeOffset.UtcNow, card.UserId, false, $"card not updated: {exception.GetType().Name}"), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering the work of a turn for proposal {ProposalId} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string? proposalId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update card {ActivityId} of proposal {ProposalId}")]
    private static partial void LogUpdateFailed(ILogger logger, Exception exception, string proposalId, string activityId);
}

/// <summary>Up to three tries with a short backoff for failures that may pass (the connector already retries throttling).</summary>
internal static class Retry
{
    public static bool IsTransient(Exception exception) =>
        exception is ConnectorException or HttpRequestException or ChannelTokenException or TaskCanceledException;

    /// <summary>Any way a call to the channel can fail: a transient failure, or a serviceUrl the client refuses.</summary>
    public static bool IsChannelFailure(Exception exception) => IsTransient(exception) || exception is ArgumentException;

    public static async Task RunAsync(Func<Task> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await work().ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (attempt < 3 && IsTransient(exception) && exception is not ConnectorException { StatusCode: System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.BadRequest })
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
