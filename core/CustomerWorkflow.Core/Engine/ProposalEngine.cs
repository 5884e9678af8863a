using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Engine;

/// <summary>
/// The use cases of the customer workflow. Each reads one customer unit, decides in the domain, and writes
/// it back in one atomic, version-checked write; a lost race is retried from a fresh read.
/// </summary>
/// <param name="workflows">Chooses and runs configured workflows; without it every proposal takes the settings' approval steps.</param>
public sealed partial class ProposalEngine(IWorkflowStore store, TimeProvider time, WorkflowRouter? workflows = null)
{
    private const int MaxAttempts = 8;

    private DateTimeOffset Now => time.GetUtcNow();

    // ---- reading ----

    /// <summary>A customer with its open proposal and the approval settings.</summary>
    public async Task<CustomerView> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var settings = await GetSettingsAsync(cancellationToken).ConfigureAwait(false);
        var record = await LoadAsync(customerId, cancellationToken).ConfigureAwait(false);
        return new CustomerView(record.Customer, record.OpenProposal, settings.Settings);
    }

    /// <summary>Customers whose id or name contains the text.</summary>
    public Task<IReadOnlyList<Customer>> FindCustomersAsync(string text, int max = 25, CancellationToken cancellationToken = default)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new WorkflowException(Refusal.InvalidValue, "Say what to look for: part of a customer id or name.");
        }

        return store.FindCustomersAsync(trimmed, max, cancellationToken);
    }

    /// <summary>A proposal in any status.</summary>
    public async Task<Proposal> GetProposalAsync(string proposalId, CancellationToken cancellationToken = default) =>
        await store.GetProposalAsync(ProposalId.Normalize(proposalId), cancellationToken).ConfigureAwait(false)
        ?? throw UnknownProposal(proposalId);

    /// <summary>The workflow history of a customer's proposals, in order.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var record = await LoadAsync(customerId, cancellationToken).ConfigureAwait(false);
        return await store.ListHistoryAsync(record.Customer.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The proposals the actor created or submitted.</summary>
    public Task<IReadOnlyList<Proposal>> ListMineAsync(Actor actor, int max = 25, CancellationToken cancellationToken = default) =>
        store.ListByUserAsync(actor.Id, max, cancellationToken);

    /// <summary>The proposals waiting for the actor's decision.</summary>
    public Task<IReadOnlyList<Proposal>> GetInboxAsync(Actor actor, CancellationToken cancellationToken = default) =>
        store.ListAwaitingAsync(actor.Id, cancellationToken);

    // ---- clerks ----

    /// <summary>
    /// Sets fields: approval-enabled ones become proposed changes, the rest apply at once. All or nothing:
    /// one bad field or value refuses the whole command.
    /// </summary>
    public async Task<SetFieldsResult> SetFieldsAsync(Actor actor, string customerId, IReadOnlyList<KeyValuePair<string, string>> changes, CancellationToken cancellationToken = default)
    {
        RequireClerk(actor, "change customers");
        if (changes.Count == 0)
        {
            throw new WorkflowException(Refusal.InvalidValue, "Say which field to set and to what.");
        }

        var settings = (await GetSettingsAsync(cancellationToken).ConfigureAwait(false)).Settings;
        var normalized = Normalize(changes, settings);

        return await MutateAsync(customerId, record =>
        {
            var now = Now;
            var customer = record.Customer;
            var proposal = record.OpenProposal;
            var sequence = record.ProposalSequence;
            var results = new List<FieldChange>();

            // Proposals first, then set-backs, so a proposal is never emptied and then needed again in one command.
            foreach (var (field, value) in normalized.OrderBy(c => string.Equals(customer[c.Key], c.Value, StringComparison.Ordinal)))
            {
                var original = customer[field];
                if (!settings.RequiresApproval(field))
                {
                    customer = customer.With(field, value);
                    results.Add(new FieldChange(field, string.Equals(original, value, StringComparison.Ordinal) ? FieldChangeKind.Unchanged : FieldChangeKind.Applied, original, value));
                    continue;
                }

                var hasLine = proposal?.LineFor(field) is not null;
                if (string.Equals(original, value, StringComparison.Ordinal) && !hasLine)
                {
                    results.Add(new FieldChange(field, FieldChangeKind.Unchanged, original, value));
                    continue;
                }

                if (proposal is null)
                {
                    sequence++;
                    proposal = Proposal.Start(customer.Id, sequence, actor, now);
                }

                proposal.Propose(field, original, value, actor, now);
                results.Add(new FieldChange(field, hasLine && string.Equals(original, value, StringComparison.Ordinal) ? FieldChangeKind.ProposalRemoved : FieldChangeKind.Proposed, original, value));
            }

            var changed = results.Any(r => r.Kind != FieldChangeKind.Unchanged);
            var write = changed ? new RecordWrite(customer, proposal, sequence, record.Version) : null;
            return (write, new SetFieldsResult(customer, proposal is { IsOpen: true } ? proposal : null, results));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes one proposed change.</summary>
    public Task<ProposalResult> RemoveAsync(Actor actor, string customerId, string field, CancellationToken cancellationToken = default)
    {
        RequireClerk(actor, "change proposals");
        var name = FieldCatalog.Get(field).Name;
        return ActOnOpenAsync(customerId, (p, now) => p.Remove(name, actor, now), cancellationToken);
    }

    /// <summary>Discards all proposed changes.</summary>
    public Task<ProposalResult> DiscardAsync(Actor actor, string customerId, CancellationToken cancellationToken = default)
    {
        RequireClerk(actor, "discard proposals");
        return ActOnOpenAsync(customerId, (p, now) => p.Discard(actor, now), cancellationToken);
    }

    /// <summary>
    /// Submits the customer's proposed changes (or resubmits them after a change request). A first submit chooses the
    /// workflow and lays it out (which may ask the directory who approves); a resubmit keeps what it started with.
    /// </summary>
    public async Task<ProposalResult> SubmitAsync(Actor actor, string customerId, string? comment = null, CancellationToken cancellationToken = default)
    {
        RequireClerk(actor, "submit proposals");
        var settings = (await GetSettingsAsync(cancellationToken).ConfigureAwait(false)).Settings;
        ProposalResult result;
        if (workflows is null)
        {
            result = await ActOnOpenAsync(customerId, (p, now) => p.Submit(actor, now, comment, settings), cancellationToken).ConfigureAwait(false);
            return await RouteAwayAsync(result, cancellationToken).ConfigureAwait(false);
        }

        result = await MutateAsync(customerId, async record =>
        {
            var proposal = record.OpenProposal ?? throw NoProposedChanges(record.Customer.Id);
            var plan = proposal.Status == ProposalStatus.NotSubmitted && proposal.Lines.Count > 0
                ? await workflows.PlanAsync(proposal, record.Customer, actor, settings, cancellationToken).ConfigureAwait(false)
                : SubmitPlan.FromSettings(settings);
            var now = Now;
            proposal.Submit(actor, now, comment, plan, settings.SubmitterMayApprove);
            return Continued(record, proposal, now);
        }, cancellationToken).ConfigureAwait(false);
        return await RouteAwayAsync(result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Withdraws a pending submission.</summary>
    public Task<ProposalResult> RecallAsync(Actor actor, string customerId, string? comment = null, CancellationToken cancellationToken = default)
    {
        RequireClerk(actor, "recall proposals");
        return ActOnOpenAsync(customerId, (p, now) => p.Recall(actor, now, comment), cancellationToken);
    }

    // ---- approvers ----

    /// <summary>Approves; when the last step completes, the proposal is applied in the same write.</summary>
    public Task<ProposalResult> ApproveAsync(Actor actor, string proposalId, string? comment = null, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ActOnProposalAsync(actor, proposalId, ProposalAction.Approve, (p, now) => p.Approve(actor, now, comment, expectedVersion), cancellationToken);

    public Task<ProposalResult> RejectAsync(Actor actor, string proposalId, string? reason, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ActOnProposalAsync(actor, proposalId, ProposalAction.Reject, (p, now) => p.Reject(actor, now, reason, expectedVersion), cancellationToken);

    public Task<ProposalResult> RequestChangeAsync(Actor actor, string proposalId, string? comment, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ActOnProposalAsync(actor, proposalId, ProposalAction.RequestChange, (p, now) => p.RequestChange(actor, now, comment, expectedVersion), cancellationToken);

    public Task<ProposalResult> DelegateAsync(Actor actor, string proposalId, string toUserId, string? comment = null, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ActOnProposalAsync(actor, proposalId, ProposalAction.Delegate, (p, now) => p.Delegate(actor, now, toUserId, comment, expectedVersion), cancellationToken);

    // ---- shared ----

    private Task<ProposalResult> ActOnOpenAsync(string customerId, Action<Proposal, DateTimeOffset> act, CancellationToken cancellationToken) =>
        MutateAsync(customerId, record =>
        {
            var proposal = record.OpenProposal ?? throw NoProposedChanges(record.Customer.Id);
            var now = Now;
            act(proposal, now);
            return Continued(record, proposal, now);
        }, cancellationToken);

    /// <summary>
    /// After an action: the workflow's responses react to what it recorded, and an approved proposal is applied (the
    /// customer workflow applies approved changes when no response did), all in the same write.
    /// </summary>
    private (RecordWrite Write, ProposalResult Result) Continued(CustomerRecord record, Proposal proposal, DateTimeOffset now)
    {
        var customer = record.Customer;
        var effects = new List<WorkflowEffect>();
        var next = 0;
        while (true)
        {
            if (workflows is not null)
            {
                customer = workflows.React(proposal, customer, now, effects, ref next);
            }

            if (proposal.Status != ProposalStatus.Approved)
            {
                break;
            }

            customer = proposal.Apply(customer, now);
        }

        return (new RecordWrite(customer, proposal, record.ProposalSequence, record.Version), new ProposalResult(proposal, customer) { Effects = effects });
    }

    private static WorkflowException NoProposedChanges(string customerId) =>
        new(Refusal.NothingToSubmit, $"Customer {customerId} has no proposed changes.");

    private async Task<ProposalResult> ActOnProposalAsync(Actor actor, string proposalId, ProposalAction action, Action<Proposal, DateTimeOffset> act, CancellationToken cancellationToken)
    {
        var id = ProposalId.Normalize(proposalId);
        var customerId = ProposalId.CustomerIdOf(id) ?? throw UnknownProposal(proposalId);
        ProposalResult? result;
        try
        {
            result = await MutateAsync<ProposalResult?>(customerId, record =>
            {
                if (record.OpenProposal is not { } proposal || !string.Equals(proposal.Id, id, StringComparison.Ordinal))
                {
                    return (null, null);
                }

                var now = Now;
                act(proposal, now);
                var (write, continued) = Continued(record, proposal, now);
                return (write, continued);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowException e) when (e.Refusal == Refusal.UnknownCustomer)
        {
            throw UnknownProposal(proposalId);
        }

        if (result is not null)
        {
            return await RouteAwayAsync(result, cancellationToken).ConfigureAwait(false);
        }

        // Not the customer's open proposal: a closed one is refused like any illegal transition, except that a repeat of
        // the decision this person made (a double click, or a click redelivered to another instance) is told so plainly.
        var closed = await store.GetProposalAsync(id, cancellationToken).ConfigureAwait(false) ?? throw UnknownProposal(proposalId);
        if (RepeatedDecision(closed, action, actor) is { } decided)
        {
            throw new WorkflowException(Refusal.NotYourTurn,
                $"You {decided} proposal {closed.Id} already; it is {ProposalText.Describe(closed.Status)}. Nothing more to do.");
        }

        throw TransitionTable.Refuse(closed.Status, action, closed.Id);
    }

    /// <summary>"approved" or "rejected" when the person already made the decision this action asks for; otherwise null.</summary>
    private static string? RepeatedDecision(Proposal proposal, ProposalAction action, Actor actor)
    {
        var wanted = action switch
        {
            ProposalAction.Approve => ApprovalDecision.Approved,
            ProposalAction.Reject => ApprovalDecision.Rejected,
            _ => ApprovalDecision.Pending,
        };
        var made = wanted != ApprovalDecision.Pending
            && proposal.Steps.Any(step => step.Approvers.Any(slot => actor.Is(slot.UserId) && slot.Decision == wanted && !slot.Automatic));
        return made ? (wanted == ApprovalDecision.Approved ? "approved" : "rejected") : null;
    }

    /// <summary>Read, decide, write; on a lost race, again from a fresh read. A null write means nothing to store.</summary>
    /// <param name="firstRead">The unit as the caller just read it, to decide on first instead of reading it again.</param>
    private Task<TResult> MutateAsync<TResult>(string customerId, Func<CustomerRecord, (RecordWrite? Write, TResult Result)> decide, CancellationToken cancellationToken, CustomerRecord? firstRead = null) =>
        MutateAsync(customerId, record => Task.FromResult(decide(record)), cancellationToken, firstRead);

    /// <summary>Read, decide (which may ask others, such as the directory), write; on a lost race, again from a fresh read.</summary>
    /// <param name="firstRead">The unit as the caller just read it, to decide on first instead of reading it again.</param>
    private async Task<TResult> MutateAsync<TResult>(string customerId, Func<CustomerRecord, Task<(RecordWrite? Write, TResult Result)>> decide, CancellationToken cancellationToken, CustomerRecord? firstRead = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var record = attempt == 1 && firstRead is not null ? firstRead : await LoadAsync(customerId, cancellationToken).ConfigureAwait(false);
            var (write, result) = await decide(record).ConfigureAwait(false);
            if (write is null)
            {
                return result;
            }

            try
            {
                await store.CommitAsync([write], cancellationToken).ConfigureAwait(false);
                write.Proposal?.AcceptHistory();
                return result;
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone else wrote this customer first: decide again on what they left.
            }
            catch (ConcurrencyException)
            {
                throw new WorkflowException(Refusal.Busy, $"Customer {record.Customer.Id} is being changed by others right now. Please try again.");
            }
        }
    }

    private async Task<CustomerRecord> LoadAsync(string customerId, CancellationToken cancellationToken)
    {
        var id = Customer.NormalizeId(customerId ?? string.Empty);
        if (!Customer.IsValidId(id))
        {
            throw new WorkflowException(Refusal.UnknownCustomer, $"'{customerId}' is not a customer id (like US-001).");
        }

        return await store.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowException(Refusal.UnknownCustomer, $"There is no customer {id}.");
    }

    private static List<KeyValuePair<string, string>> Normalize(IReadOnlyList<KeyValuePair<string, string>> changes, WorkflowSettings settings)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<KeyValuePair<string, string>>(changes.Count);
        foreach (var (name, raw) in changes)
        {
            var field = FieldCatalog.Get(name);
            if (!seen.Add(field.Name))
            {
                throw new WorkflowException(Refusal.InvalidValue, $"{field.Name} is given more than once.");
            }

            result.Add(new(field.Name, field.Normalize(raw, settings)));
        }

        return result;
    }

    private static void RequireClerk(Actor actor, string what)
    {
        if (!actor.Has(Roles.Clerk) && !actor.Has(Roles.Admin))
        {
            throw new WorkflowException(Refusal.NotAllowed, $"Only clerks can {what}.");
        }
    }

    private static WorkflowException UnknownProposal(string proposalId) =>
        new(Refusal.UnknownProposal, $"There is no proposal '{proposalId}'. Proposal ids look like US-001-P1.");
}
