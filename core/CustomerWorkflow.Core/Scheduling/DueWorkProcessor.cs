using CustomerWorkflow.Core.Engine;

namespace CustomerWorkflow.Core.Scheduling;

/// <summary>Delivers what the scheduler did: the chat adapter's side of it (notices, card updates, digest messages).</summary>
public interface IDueWorkHandler
{
    /// <summary>Tells the people an overdue step's outcome concerns. Called only when something was done.</summary>
    Task OverdueAsync(OverdueOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Sends the digest. Called only when it lists something; its entries are removed after it returns.</summary>
    Task DigestAsync(DailyDigest digest, CancellationToken cancellationToken);
}

/// <summary>How the processor claims: how long a claim holds, and how many items one pass takes.</summary>
public sealed record DueWorkOptions
{
    /// <summary>Longer than one item's work (a write and its notices) ever takes; a dead instance's items wait this long.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    public int BatchSize { get; init; } = 20;
}

/// <summary>What one pass did.</summary>
/// <param name="Claimed">Items this instance claimed.</param>
/// <param name="Completed">Items done and removed.</param>
/// <param name="Acted">Overdue items that changed a proposal, and digests sent.</param>
/// <param name="Failures">Items whose work failed: they stay claimed until the lease runs out, then are tried again.</param>
public sealed record DueWorkReport(int Claimed, int Completed, int Acted, IReadOnlyList<DueWorkFailure> Failures);

public sealed record DueWorkFailure(DueItem Item, Exception Exception);

/// <summary>
/// The scheduler's core: claims the due items that are due, does each one's work through the proposal engine (whose
/// version-checked writes make a human decision racing it land once), hands the outcome to the chat adapter, and then
/// completes the item. Several instances may run it on one store: each item goes to one of them at a time, and an
/// instance that dies holding items leaves them to another once their lease runs out. Work is at least once, effect
/// once: an item re-claimed after a crash finds its step moved on and is dropped; a digest re-claimed after a crash
/// between sending and removing its entries is sent again.
/// </summary>
public sealed class DueWorkProcessor(IDueItemStore items, IDigestStore digests, ProposalEngine engine, TimeProvider time, DueWorkOptions? options = null)
{
    private readonly DueWorkOptions _options = options ?? new DueWorkOptions();

    /// <summary>This instance, as the claims name it.</summary>
    public string Owner { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>One pass: claims up to a batch of due items and does them, one after another.</summary>
    public async Task<DueWorkReport> RunOnceAsync(IDueWorkHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var claimed = await items.ClaimDueItemsAsync(time.GetUtcNow(), _options.Lease, Owner, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        int completed = 0, acted = 0;
        var failures = new List<DueWorkFailure>();
        foreach (var claim in claimed)
        {
            try
            {
                acted += await DoAsync(claim.Item, handler, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Left claimed: once the lease runs out, this or another instance tries again.
                failures.Add(new DueWorkFailure(claim.Item, exception));
                continue;
            }

            completed += await items.CompleteDueItemAsync(claim, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return new DueWorkReport(claimed.Count, completed, acted, failures);
    }

    /// <summary>Passes until nothing is due (each pass takes one batch).</summary>
    public async Task<DueWorkReport> RunUntilIdleAsync(IDueWorkHandler handler, CancellationToken cancellationToken = default)
    {
        var total = new DueWorkReport(0, 0, 0, []);
        while (true)
        {
            var pass = await RunOnceAsync(handler, cancellationToken).ConfigureAwait(false);
            total = new DueWorkReport(total.Claimed + pass.Claimed, total.Completed + pass.Completed, total.Acted + pass.Acted, [.. total.Failures, .. pass.Failures]);
            if (pass.Claimed < _options.BatchSize || pass.Failures.Count > 0)
            {
                return total;
            }
        }
    }

    private async Task<bool> DoAsync(DueItem item, IDueWorkHandler handler, CancellationToken cancellationToken)
    {
        if (item.Kind == DueItemKind.Overdue)
        {
            var outcome = await engine.ActOnOverdueAsync(item.Subject, item.Step, item.DueAt, cancellationToken).ConfigureAwait(false);
            if (!outcome.Acted)
            {
                return false;
            }

            await handler.OverdueAsync(outcome, cancellationToken).ConfigureAwait(false);
            return true;
        }

        var entries = (await digests.ListDigestEntriesAsync(item.Subject, cancellationToken).ConfigureAwait(false)).Where(e => e.At <= item.DueAt).ToList();
        if (entries.Count == 0)
        {
            return false;
        }

        var digest = await ComposeAsync(item, entries, cancellationToken).ConfigureAwait(false);
        if (!digest.IsEmpty)
        {
            await handler.DigestAsync(digest, cancellationToken).ConfigureAwait(false);
        }

        await digests.RemoveDigestEntriesAsync(item.Subject, [.. entries.Select(e => e.Id)], cancellationToken).ConfigureAwait(false);
        return !digest.IsEmpty;
    }

    /// <summary>
    /// The digest from the held entries: each approval request once, if it still waits for the reader (otherwise only
    /// counted); each proposal's latest decision.
    /// </summary>
    private async Task<DailyDigest> ComposeAsync(DueItem item, List<DigestEntry> entries, CancellationToken cancellationToken)
    {
        var user = item.Subject;
        var waiting = new List<DigestWaiting>();
        var gone = 0;
        foreach (var requested in entries.Where(e => e.Kind == DigestKind.ApprovalRequested).GroupBy(e => e.ProposalId, StringComparer.Ordinal))
        {
            var first = requested.First();
            CustomerView? view = null;
            try
            {
                view = await engine.GetCustomerAsync(first.CustomerId, cancellationToken).ConfigureAwait(false);
            }
            catch (WorkflowException)
            {
                // The customer is gone: nothing waits.
            }

            if (view?.OpenProposal is { } proposal && proposal.Id == requested.Key && proposal.DueApprovers.Contains(user, StringComparer.OrdinalIgnoreCase))
            {
                waiting.Add(new DigestWaiting(proposal, view.Customer, first.At));
            }
            else
            {
                gone++;
            }
        }

        var decided = entries.Where(e => e.Kind == DigestKind.Decided)
            .GroupBy(e => e.ProposalId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(e => e.At).Last())
            .OrderBy(e => e.At)
            .ToList();
        return new DailyDigest(user, item.DueAt, [.. waiting.OrderBy(w => w.Since)], decided, gone);
    }
}
