using System.Net;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>Reading and writing customer units: one conditional replace per write, and the pointers around it.</summary>
public sealed partial class CosmosWorkflowStore
{
    /// <summary>A unit as read: its committed state (null when the customer does not exist) and the document's ETag.</summary>
    /// <param name="Pending">A multi-customer write is in flight on it: its ETag is not one to write against.</param>
    private sealed record LoadedUnit(UnitState? State, string? ETag, bool Pending);

    /// <summary>
    /// Reads a unit. A multi-customer write left on it is settled by its decision: a reader sees the committed state
    /// (or the pending one once its transaction committed); a writer first finishes or aborts that write.
    /// </summary>
    private async Task<LoadedUnit> LoadUnitAsync(string customerId, bool forWrite, CancellationToken cancellationToken)
    {
        var pk = Keys.Customer(customerId);
        while (true)
        {
            var (document, etag) = await Documents.ReadAsync(pk, Keys.UnitId, DocJson.Default.UnitDoc, cancellationToken).ConfigureAwait(false);
            if (document is null)
            {
                return Remember(customerId, new LoadedUnit(null, null, false));
            }

            if (document.Pending is not { } pending)
            {
                return Remember(customerId, new LoadedUnit(document.Committed, etag, false));
            }

            var committed = await DecideAsync(pending.Tx, abortIfOpen: forWrite, cancellationToken).ConfigureAwait(false);
            var settled = committed == true ? pending.State : document.Committed;
            if (!forWrite)
            {
                return new LoadedUnit(settled, etag, true);
            }

            var written = settled is null
                ? await Documents.DeleteAsync(pk, Keys.UnitId, cancellationToken, etag).ConfigureAwait(false)
                : await Documents.ReplaceAsync(pk, Keys.UnitId, new UnitDoc { Pk = pk, Committed = settled }, DocJson.Default.UnitDoc, etag!, cancellationToken).ConfigureAwait(false);
            if (written.Ok)
            {
                if (committed == true)
                {
                    await AfterWriteAsync(document.Committed, settled!, null, cancellationToken).ConfigureAwait(false);
                }

                return Remember(customerId, new LoadedUnit(settled, settled is null ? null : written.ETag, false));
            }

            // Someone else settled it first: read what they left.
        }
    }

    private LoadedUnit Remember(string customerId, LoadedUnit unit)
    {
        if (_units.Count >= MaxCachedUnits)
        {
            _units.Clear();
        }

        _units[customerId] = unit;
        return unit;
    }

    /// <summary>
    /// The unit a write expects, with the ETag to write against: the one last read here when it is at the expected
    /// version (a replace against a stale ETag fails anyway), otherwise a fresh read.
    /// </summary>
    private async Task<LoadedUnit> ExpectedUnitAsync(RecordWrite write, CancellationToken cancellationToken)
    {
        if (!_units.TryGetValue(write.CustomerId, out var unit) || unit.Pending || (unit.State?.Version ?? 0) != write.ExpectedVersion)
        {
            unit = await LoadUnitAsync(write.CustomerId, forWrite: true, cancellationToken).ConfigureAwait(false);
        }

        if (write.ExpectedVersion == 0 ? unit.State is not null : unit.State?.Version != write.ExpectedVersion)
        {
            throw Lost(write);
        }

        if (write.Proposal is { } proposal && unit.State?.OpenId is { } openId && openId != proposal.Id)
        {
            // One open proposal per customer: the slot holds another one.
            throw Lost(write);
        }

        return unit;
    }

    private static ConcurrencyException Lost(RecordWrite write) => new(write.ExpectedVersion == 0
        ? $"Customer {write.CustomerId} exists already."
        : $"Customer {write.CustomerId} was changed by someone else.");

    private async Task CommitOneAsync(RecordWrite write, CancellationToken cancellationToken)
    {
        var unit = await ExpectedUnitAsync(write, cancellationToken).ConfigureAwait(false);
        var next = await NextStateAsync(unit.State, write, cancellationToken).ConfigureAwait(false);
        await BeforeWriteAsync(unit.State, next, write.Proposal, cancellationToken).ConfigureAwait(false);

        var pk = Keys.Customer(write.CustomerId);
        var document = new UnitDoc { Pk = pk, Committed = next };
        var written = unit.ETag is null
            ? await Documents.CreateAsync(pk, document, DocJson.Default.UnitDoc, cancellationToken).ConfigureAwait(false)
            : await Documents.ReplaceAsync(pk, Keys.UnitId, document, DocJson.Default.UnitDoc, unit.ETag, cancellationToken).ConfigureAwait(false);
        if (!written.Ok)
        {
            _units.TryRemove(write.CustomerId, out _);
            written = await LandedAsync(pk, next.WriteId, cancellationToken).ConfigureAwait(false);
            if (!written.Ok)
            {
                throw Lost(write);
            }
        }

        Remember(write.CustomerId, new LoadedUnit(next, written.ETag, false));
        await AfterWriteAsync(unit.State, next, write.Proposal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After a lost conditional write: whether it was our own write that landed (a retry of a request whose answer was
    /// lost), so a retry never turns one write into a conflict or into two.
    /// </summary>
    private async Task<Written> LandedAsync(string pk, string writeId, CancellationToken cancellationToken)
    {
        var (document, etag) = await Documents.ReadAsync(pk, Keys.UnitId, DocJson.Default.UnitDoc, cancellationToken).ConfigureAwait(false);
        return document?.Committed?.WriteId == writeId ? new Written(true, etag, HttpStatusCode.OK) : new Written(false, null, HttpStatusCode.PreconditionFailed);
    }

    /// <summary>The unit's next state: the customer as written, and the proposal with all of its history so far.</summary>
    private async Task<UnitState> NextStateAsync(UnitState? current, RecordWrite write, CancellationToken cancellationToken)
    {
        var next = new UnitState
        {
            CustomerId = write.CustomerId,
            Version = (current?.Version ?? 0) + 1,
            WriteId = Guid.NewGuid().ToString("N"),
            Fields = new Dictionary<string, string>(write.Customer.Values, StringComparer.Ordinal),
            ProposalSequence = write.ProposalSequence,
            OpenId = current?.OpenId,
            Open = current?.Open,
            OpenHistory = current?.OpenHistory,
            // The proposal closed last leaves the unit with the next write, which first makes sure its own document exists.
            LastClosed = null,
        };
        if (write.Proposal is not { } proposal)
        {
            return next;
        }

        var history = new List<HistoryEntry>(await HistorySoFarAsync(current, proposal, cancellationToken).ConfigureAwait(false));
        history.AddRange(proposal.NewHistory);
        if (proposal.IsOpen)
        {
            next.OpenId = proposal.Id;
            next.Open = ToElement(proposal);
            next.OpenHistory = history;
        }
        else
        {
            next.OpenId = null;
            next.Open = null;
            next.OpenHistory = null;
            next.LastClosed = new ClosedProposalDoc
            {
                Id = Keys.ClosedProposal(proposal.Id),
                Pk = Keys.Customer(write.CustomerId),
                Number = proposal.Number,
                UpdatedAt = UpdatedAt(proposal, history),
                Proposal = ToElement(proposal),
                History = history,
            };
        }

        return next;
    }

    /// <summary>The history a proposal had before this write: in the unit while it is open, in its own document once closed.</summary>
    private async Task<IReadOnlyList<HistoryEntry>> HistorySoFarAsync(UnitState? current, Proposal proposal, CancellationToken cancellationToken)
    {
        if (proposal.HistoryCount == proposal.NewHistory.Count)
        {
            return [];
        }

        if (current?.OpenId == proposal.Id)
        {
            return current.OpenHistory ?? [];
        }

        var closedId = Keys.ClosedProposal(proposal.Id);
        if (current?.LastClosed is { } last && last.Id == closedId)
        {
            return last.History;
        }

        var (closed, _) = await Documents.ReadAsync(Keys.Customer(proposal.CustomerId), closedId, DocJson.Default.ClosedProposalDoc, cancellationToken).ConfigureAwait(false);
        return closed?.History ?? [];
    }

    /// <summary>
    /// What must exist before the unit is written, so that no reader can miss it afterwards: the pointers that add the
    /// proposal to someone's list, the search entry of a new or renamed customer (holding old and new name), and the own
    /// document of the proposal closed before, when this write takes its place in the unit.
    /// </summary>
    private async Task BeforeWriteAsync(UnitState? current, UnitState next, Proposal? proposal, CancellationToken cancellationToken)
    {
        var work = new List<Task>();
        if (proposal is not null)
        {
            var before = current?.OpenId == proposal.Id && current.Open is { } open ? ToProposal(open) : null;
            var now = DateTimeOffset.UtcNow;
            if (proposal.IsOpen)
            {
                foreach (var user in proposal.DueApprovers.Where(u => before is null || !before.DueApprovers.Contains(u, StringComparer.OrdinalIgnoreCase)))
                {
                    work.Add(Pointer(user, Keys.Awaiting(proposal.Id), "a"));
                }
            }

            // The scheduler's due item of a step that starts (or is due again) here: ahead of the unit, like the pointers.
            // One left by a write that then lost its race is harmless: the scheduler finds the step not due then, and drops it.
            if (proposal.IsOpen && DueItem.ForOverdue(proposal) is { } dueItem && (before is null || DueItem.ForOverdue(before)?.Id != dueItem.Id))
            {
                work.Add(AddDueItemAsync(dueItem, cancellationToken));
            }

            // The creator and every submitter list the proposal as theirs; a pointer written for the proposal before stays.
            string?[] listed = before is null ? [] : [before.CreatedBy, before.SubmittedBy];
            foreach (var user in new[] { proposal.CreatedBy, proposal.SubmittedBy }.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)
                         .Where(u => !listed.Contains(u, StringComparer.OrdinalIgnoreCase)))
            {
                work.Add(Pointer(user, Keys.ByUser(proposal.Id), "b"));
            }

            // A proposal that starts running under a workflow is pointed to from the workflow's partition, so a delete sees it.
            if (proposal.RunningWorkflow is { } workflow && !string.Equals(before?.RunningWorkflow, workflow, StringComparison.OrdinalIgnoreCase))
            {
                var pk = Keys.Workflow(workflow);
                work.Add(Documents.UpsertAsync(pk, new RunPointerDoc { Id = Keys.Run(proposal.Id), Pk = pk, ProposalId = proposal.Id, At = now }, DocJson.Default.RunPointerDoc, cancellationToken));
            }

            Task Pointer(string user, string id, string kind) => Documents.UpsertAsync(Keys.User(user),
                new UserListDoc { Id = id, Pk = Keys.User(user), Type = kind, ProposalId = proposal.Id, At = now }, DocJson.Default.UserListDoc, cancellationToken);
        }

        var text = SearchText(ToCustomer(next));
        var oldText = current is null ? null : SearchText(ToCustomer(current));
        if (oldText != text)
        {
            work.Add(IndexAsync(next.CustomerId, text, oldText, cancellationToken));
        }

        if (current?.LastClosed is { } last && last.Id != next.LastClosed?.Id)
        {
            work.Add(EnsureClosedDocumentAsync(last, cancellationToken));
        }

        await Task.WhenAll(work).ConfigureAwait(false);
    }

    /// <summary>
    /// What follows a landed write, best effort (a reader repairs or ignores what is missing): the closed proposal's own
    /// document, pointers of approvers no longer due, and the settled search text.
    /// </summary>
    private async Task AfterWriteAsync(UnitState? current, UnitState next, Proposal? proposal, CancellationToken cancellationToken)
    {
        var work = new List<Task>();
        if (next.LastClosed is { } closed && closed.Id != current?.LastClosed?.Id)
        {
            work.Add(Documents.UpsertAsync(closed.Pk, closed, DocJson.Default.ClosedProposalDoc, cancellationToken));
        }

        if (current?.Open is { } open && current.OpenId is { } openId && (proposal is null || proposal.Id == openId))
        {
            var after = next.OpenId == openId && next.Open is { } now ? ToProposal(now) : null;
            var still = after?.DueApprovers ?? [];
            var was = ToProposal(open);
            foreach (var user in was.DueApprovers.Where(u => !still.Contains(u, StringComparer.OrdinalIgnoreCase)))
            {
                work.Add(Documents.DeleteAsync(Keys.User(user), Keys.Awaiting(openId), cancellationToken));
            }

            if (was.RunningWorkflow is { } workflow && !string.Equals(after?.RunningWorkflow, workflow, StringComparison.OrdinalIgnoreCase))
            {
                work.Add(Documents.DeleteAsync(Keys.Workflow(workflow), Keys.Run(openId), cancellationToken));
            }
        }

        var text = SearchText(ToCustomer(next));
        if (current is null || SearchText(ToCustomer(current)) != text)
        {
            var pk = Keys.SearchBucket(next.CustomerId, _options.SearchBuckets);
            work.Add(Documents.UpsertAsync(pk, new SearchDoc { Id = Keys.Id(next.CustomerId), Pk = pk, Text = text }, DocJson.Default.SearchDoc, cancellationToken));
        }

        try
        {
            await Task.WhenAll(work).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CosmosStoreException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The write landed; what is left here is found and repaired by readers and by the next write.
        }
    }

    /// <summary>The customer's search entry, holding the old text too until the write that changes it has landed.</summary>
    private async Task IndexAsync(string customerId, string text, string? oldText, CancellationToken cancellationToken)
    {
        var pk = Keys.SearchBucket(customerId, _options.SearchBuckets);
        var id = Keys.Id(customerId);
        if (oldText is null)
        {
            // A create: if an entry exists (the customer exists, and this create will be refused), keep its text as well.
            var (existing, _) = await Documents.ReadAsync(pk, id, DocJson.Default.SearchDoc, cancellationToken).ConfigureAwait(false);
            oldText = existing?.Text;
        }

        var entry = new SearchDoc { Id = id, Pk = pk, Text = oldText is null || oldText == text ? text : text + "\n" + oldText, Pending = true };
        await Documents.UpsertAsync(pk, entry, DocJson.Default.SearchDoc, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The closed proposal kept in a unit has its own document before the unit lets go of it.</summary>
    private async Task EnsureClosedDocumentAsync(ClosedProposalDoc closed, CancellationToken cancellationToken)
    {
        var (existing, _) = await Documents.ReadAsync(closed.Pk, closed.Id, DocJson.Default.ClosedProposalDoc, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            await Documents.UpsertAsync(closed.Pk, closed, DocJson.Default.ClosedProposalDoc, cancellationToken).ConfigureAwait(false);
        }
    }
}
