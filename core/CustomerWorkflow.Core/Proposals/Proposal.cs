using System.Collections.Immutable;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Proposals;

/// <summary>
/// The proposal aggregate: the proposed changes to one customer and their way through the approval steps.
/// Every change goes through <see cref="TransitionTable"/>, bumps <see cref="Version"/> and appends history.
/// </summary>
public sealed partial class Proposal
{
    private readonly List<ProposedChange> _lines;
    private readonly List<HistoryEntry> _newHistory = [];

    private Proposal(ProposalState state)
    {
        Id = state.Id;
        CustomerId = state.CustomerId;
        Number = state.Number;
        Status = state.Status;
        Version = state.Version;
        _lines = [.. state.Lines];
        CreatedBy = state.CreatedBy;
        CreatedAt = state.CreatedAt;
        SubmittedBy = state.SubmittedBy;
        SubmittedByName = state.SubmittedByName;
        SubmittedAt = state.SubmittedAt;
        SubmitComment = state.SubmitComment;
        Workflow = state.Workflow;
        Run = state.Run;
        SubmitterMayApprove = state.SubmitterMayApprove;
        Steps = state.Steps;
        CurrentStep = state.CurrentStep;
        DecisionComment = state.DecisionComment;
        ConflictFields = state.ConflictFields;
        ClosedAt = state.ClosedAt;
        HistoryCount = state.HistoryCount;
    }

    public string Id { get; }

    public string CustomerId { get; }

    public int Number { get; }

    public ProposalStatus Status { get; private set; }

    /// <summary>Bumped by every change; cards carry it so a stale click is recognised.</summary>
    public long Version { get; private set; }

    public IReadOnlyList<ProposedChange> Lines => _lines;

    public string CreatedBy { get; }

    public DateTimeOffset CreatedAt { get; }

    public string? SubmittedBy { get; private set; }

    public string? SubmittedByName { get; private set; }

    public DateTimeOffset? SubmittedAt { get; private set; }

    public string? SubmitComment { get; private set; }

    /// <summary>The workflow this proposal runs under, copied at submit, so it finishes under the version it started with.</summary>
    public ImmutableList<ApprovalStepDefinition> Workflow { get; private set; }

    /// <summary>The configured workflow it runs under (code, version, why, its reactions); null under the settings' steps.</summary>
    public WorkflowRun? Run { get; private set; }

    /// <summary>The code of the workflow the proposal is running under now: submitted and not yet closed or recalled.</summary>
    public string? RunningWorkflow =>
        Run is { } run && Status is ProposalStatus.PendingApproval or ProposalStatus.ChangeRequested or ProposalStatus.Approved ? run.Code : null;

    /// <summary>The segregation-of-duties setting copied at submit.</summary>
    public bool SubmitterMayApprove { get; private set; }

    public ImmutableList<ApprovalStep> Steps { get; private set; }

    /// <summary>The index of the step that is waiting (or decided last).</summary>
    public int CurrentStep { get; private set; }

    /// <summary>The rejection reason or the change-request comment.</summary>
    public string? DecisionComment { get; private set; }

    /// <summary>The fields whose customer value no longer matched the original when the proposal was applied.</summary>
    public ImmutableList<string> ConflictFields { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>How many history entries exist, stored and new.</summary>
    public int HistoryCount { get; private set; }

    /// <summary>History entries appended since the proposal was loaded; the store writes them with the proposal.</summary>
    public IReadOnlyList<HistoryEntry> NewHistory => _newHistory;

    public bool IsOpen => ProposalText.IsOpen(Status);

    /// <summary>The step that is waiting for approvers, or null.</summary>
    public ApprovalStep? WaitingStep => Status == ProposalStatus.PendingApproval && CurrentStep < Steps.Count ? Steps[CurrentStep] : null;

    /// <summary>The approvers who are due to act now.</summary>
    public IReadOnlyList<string> DueApprovers => WaitingStep?.Undecided.ToList() ?? [];

    public ProposedChange? LineFor(string field) =>
        _lines.Find(l => string.Equals(l.Field, field, StringComparison.OrdinalIgnoreCase));

    /// <summary>Starts an empty, not-submitted proposal.</summary>
    public static Proposal Start(string customerId, int number, Actor actor, DateTimeOffset now) => new(new ProposalState
    {
        Id = ProposalId.Create(customerId, number),
        CustomerId = customerId,
        Number = number,
        Status = ProposalStatus.NotSubmitted,
        CreatedBy = actor.Id,
        CreatedAt = now,
    });

    public static Proposal FromState(ProposalState state) => new(state);

    public ProposalState ToState() => new()
    {
        Id = Id,
        CustomerId = CustomerId,
        Number = Number,
        Status = Status,
        Version = Version,
        Lines = [.. _lines],
        CreatedBy = CreatedBy,
        CreatedAt = CreatedAt,
        SubmittedBy = SubmittedBy,
        SubmittedByName = SubmittedByName,
        SubmittedAt = SubmittedAt,
        SubmitComment = SubmitComment,
        Workflow = Workflow,
        Run = Run,
        SubmitterMayApprove = SubmitterMayApprove,
        Steps = Steps,
        CurrentStep = CurrentStep,
        DecisionComment = DecisionComment,
        ConflictFields = ConflictFields,
        ClosedAt = ClosedAt,
        HistoryCount = HistoryCount,
    };

    /// <summary>
    /// Adds or replaces the line for a field. Setting a field back to its original value removes its line;
    /// a proposal left with no lines is discarded.
    /// </summary>
    public void Propose(string field, string originalValue, string proposedValue, Actor actor, DateTimeOffset now)
    {
        TransitionTable.Ensure(Status, ProposalAction.Edit, Id);
        var existing = LineFor(field);
        if (string.Equals(originalValue, proposedValue, StringComparison.Ordinal))
        {
            if (existing is not null)
            {
                RemoveLineCore(existing, actor, now, "set back to its original value");
            }

            return;
        }

        if (existing is not null)
        {
            if (string.Equals(existing.ProposedValue, proposedValue, StringComparison.Ordinal)
                && string.Equals(existing.OriginalValue, originalValue, StringComparison.Ordinal))
            {
                return;
            }

            _lines[_lines.IndexOf(existing)] = new ProposedChange(field, originalValue, proposedValue, actor.Id, now);
        }
        else
        {
            _lines.Add(new ProposedChange(field, originalValue, proposedValue, actor.Id, now));
        }

        Move(ProposalAction.Edit, Status);
        Record(HistoryAction.Proposed, actor, now, null, null, $"{field}: '{originalValue}' → '{proposedValue}'");
    }

    /// <summary>Deletes one line (the Delete button of the proposed-changes list).</summary>
    public void Remove(string field, Actor actor, DateTimeOffset now)
    {
        TransitionTable.Ensure(Status, ProposalAction.Edit, Id);
        var line = LineFor(field) ?? throw new WorkflowException(
            Refusal.UnknownField, $"Proposal {Id} has no proposed change for {field}.");
        RemoveLineCore(line, actor, now, null);
    }

    /// <summary>Discards all proposed changes (Discard all changes).</summary>
    public void Discard(Actor actor, DateTimeOffset now)
    {
        TransitionTable.Ensure(Status, ProposalAction.Discard, Id);
        Move(ProposalAction.Discard, ProposalStatus.Discarded);
        ClosedAt = now;
        Record(HistoryAction.Discarded, actor, now, null, null, null);
    }

    /// <summary>Submits (or, after a change request, resubmits) the proposal to the settings' approval steps.</summary>
    public void Submit(Actor actor, DateTimeOffset now, string? comment, WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Submit(actor, now, comment, SubmitPlan.FromSettings(settings), settings.SubmitterMayApprove);
    }

    /// <summary>
    /// Submits the proposal under <paramref name="plan"/>; a resubmit after a change request keeps the steps and the
    /// workflow it started with (the plan is not used then).
    /// </summary>
    public void Submit(Actor actor, DateTimeOffset now, string? comment, SubmitPlan plan, bool submitterMayApprove)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var action = Status == ProposalStatus.ChangeRequested ? ProposalAction.Resubmit : ProposalAction.Submit;
        TransitionTable.Ensure(Status, action, Id);
        if (_lines.Count == 0)
        {
            throw new WorkflowException(Refusal.NothingToSubmit, $"Proposal {Id} has no proposed changes to submit.");
        }

        // A first submit takes the plan; a resubmit stays on the workflow it started with.
        var first = action == ProposalAction.Submit;
        var workflow = first ? plan.Steps : Workflow;
        var mayApprove = first ? submitterMayApprove : SubmitterMayApprove;
        var submitter = first ? actor : new Actor(SubmittedBy!, SubmittedByName ?? SubmittedBy!, actor.Roles);
        var automatic = first ? plan.Automatic : null;
        var steps = automatic is null ? BuildSteps(workflow, submitter, mayApprove, now) : [];

        Workflow = workflow;
        Run = first ? plan.Run : Run;
        SubmitterMayApprove = mayApprove;
        Steps = steps;
        CurrentStep = 0;
        DecisionComment = null;
        if (first)
        {
            SubmittedBy = actor.Id;
            SubmittedByName = actor.DisplayName;
        }

        SubmittedAt = now;
        SubmitComment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        Move(action, ProposalStatus.PendingApproval);
        Record(first ? HistoryAction.Submitted : HistoryAction.Resubmitted, actor, now, automatic is null ? 1 : null, SubmitComment, null);
        if (first && plan.Explanation is { } why)
        {
            Record(HistoryAction.WorkflowChosen, Actor.System, now, null, null, why);
        }

        if (automatic is not null)
        {
            DecideAutomatically(automatic, now);
        }
    }

    /// <summary>
    /// The system approves or rejects the whole proposal, without approvers (a workflow's automatic response). A
    /// rejection closes it; an approval leaves it approved, to be applied in the same write.
    /// </summary>
    public void DecideAutomatically(AutomaticDecision decision, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var action = decision.Approve ? ProposalAction.Approve : ProposalAction.Reject;
        TransitionTable.Ensure(Status, action, Id);
        if (decision.Approve)
        {
            Move(action, ProposalStatus.Approved);
            Record(HistoryAction.Approved, Actor.System, now, null, null, "automatically: " + decision.Reason);
            return;
        }

        DecisionComment = decision.Reason;
        ClosedAt = now;
        Move(action, ProposalStatus.Rejected);
        Record(HistoryAction.Rejected, Actor.System, now, null, decision.Reason, "automatically");
    }

    /// <summary>Withdraws a pending submission: back to not submitted, editable again.</summary>
    public void Recall(Actor actor, DateTimeOffset now, string? comment = null)
    {
        TransitionTable.Ensure(Status, ProposalAction.Recall, Id);
        if (!actor.Is(SubmittedBy) && !actor.Has(Roles.Admin))
        {
            throw new WorkflowException(Refusal.NotAllowed, $"Only the submitter or an admin can recall proposal {Id}.");
        }

        Steps = [];
        CurrentStep = 0;
        Move(ProposalAction.Recall, ProposalStatus.NotSubmitted);
        Record(HistoryAction.Recalled, actor, now, null, Clean(comment), null);
    }

    /// <summary>Approves as one of the current step's approvers. Returns true when the whole proposal is now approved.</summary>
    public bool Approve(Actor actor, DateTimeOffset now, string? comment, long? expectedVersion = null) =>
        Decide(actor, now, ApprovalDecision.Approved, Clean(comment), CheckDue(actor, ProposalAction.Approve, expectedVersion));

    /// <summary>Rejects as one of the current step's approvers; a reason is required.</summary>
    public void Reject(Actor actor, DateTimeOffset now, string? reason, long? expectedVersion = null)
    {
        var text = Clean(reason);
        var step = CheckDue(actor, ProposalAction.Reject, expectedVersion);
        if (text is null)
        {
            throw new WorkflowException(Refusal.CommentRequired, "Please give a reason for the rejection.");
        }

        Decide(actor, now, ApprovalDecision.Rejected, text, step);
    }

    /// <summary>Returns the proposal to the submitter, who can edit and resubmit it; a comment is required.</summary>
    public void RequestChange(Actor actor, DateTimeOffset now, string? comment, long? expectedVersion = null)
    {
        var text = Clean(comment);
        var step = CheckDue(actor, ProposalAction.RequestChange, expectedVersion);
        if (text is null)
        {
            throw new WorkflowException(Refusal.CommentRequired, "Please say what should change.");
        }

        DecisionComment = text;
        Move(ProposalAction.RequestChange, ProposalStatus.ChangeRequested);
        Record(HistoryAction.ChangeRequested, actor, now, step + 1, text, null);
    }

    /// <summary>Hands the actor's place in the current step to another user.</summary>
    public void Delegate(Actor actor, DateTimeOffset now, string toUserId, string? comment, long? expectedVersion = null)
    {
        var step = CheckDue(actor, ProposalAction.Delegate, expectedVersion);
        var to = toUserId.Trim();
        if (to.Length == 0 || actor.Is(to))
        {
            throw new WorkflowException(Refusal.InvalidValue, "Delegate to someone other than yourself.");
        }

        if (!SubmitterMayApprove && string.Equals(to, SubmittedBy, StringComparison.OrdinalIgnoreCase))
        {
            throw new WorkflowException(Refusal.SegregationOfDuties, $"You can't delegate to {SubmittedByName ?? to}: they submitted proposal {Id}.");
        }

        var slots = Steps[step].Approvers;
        if (slots.Any(s => string.Equals(s.UserId, to, StringComparison.OrdinalIgnoreCase)))
        {
            throw new WorkflowException(Refusal.InvalidValue, $"{to} is already an approver of this step.");
        }

        // Every place the actor holds in the step is handed over (several, after an escalation or a substitution).
        Steps = Steps.SetItem(step, Steps[step] with
        {
            Approvers = [.. slots.Select(s => actor.Is(s.UserId) && s.Decision == ApprovalDecision.Pending ? new ApproverSlot(to, DelegatedFrom: actor.Id) : s)],
        });
        Move(ProposalAction.Delegate, ProposalStatus.PendingApproval);
        Record(HistoryAction.Delegated, actor, now, step + 1, Clean(comment), $"to {to}");
    }

    /// <summary>
    /// Applies an approved proposal to the customer: only if the customer still holds every original value.
    /// Returns the updated customer, or the customer unchanged when the proposal went to conflict.
    /// </summary>
    public Customer Apply(Customer customer, DateTimeOffset now)
    {
        TransitionTable.Ensure(Status, ProposalAction.Apply, Id);
        var conflicts = _lines.Where(l => !string.Equals(customer[l.Field], l.OriginalValue, StringComparison.Ordinal))
            .Select(l => l.Field)
            .ToImmutableList();
        ClosedAt = now;
        if (!conflicts.IsEmpty)
        {
            ConflictFields = conflicts;
            Move(ProposalAction.Apply, ProposalStatus.Conflict);
            Record(HistoryAction.Conflict, Actor.System, now, null, null,
                $"changed since proposed: {string.Join(", ", conflicts.Select(f => $"{f} is now '{customer[f]}'"))}");
            return customer;
        }

        var updated = customer;
        foreach (var line in _lines)
        {
            updated = updated.With(line.Field, line.ProposedValue);
        }

        Move(ProposalAction.Apply, ProposalStatus.Applied);
        Record(HistoryAction.Applied, Actor.System, now, null, null, string.Join(", ", _lines.Select(l => $"{l.Field} = '{l.ProposedValue}'")));
        return updated;
    }

    /// <summary>Marks the new history entries as stored (the store calls this after a successful write).</summary>
    public void AcceptHistory() => _newHistory.Clear();

    /// <summary>Records a decision in a step the actor was checked to be due in (<see cref="CheckDue"/>).</summary>
    private bool Decide(Actor actor, DateTimeOffset now, ApprovalDecision decision, string? comment, int stepIndex)
    {
        var action = decision == ApprovalDecision.Approved ? ProposalAction.Approve : ProposalAction.Reject;
        var step = Steps[stepIndex];
        // One decision fills every place the actor holds in the step (several, after an escalation or a substitution).
        step = step with
        {
            Approvers = [.. step.Approvers.Select(s => actor.Is(s.UserId) && s.Decision == ApprovalDecision.Pending ? s with { Decision = decision, DecidedAt = now, Comment = comment } : s)],
        };
        Steps = Steps.SetItem(stepIndex, step);
        Record(decision == ApprovalDecision.Approved ? HistoryAction.Approved : HistoryAction.Rejected, actor, now, stepIndex + 1, comment, step.Name);
        return Conclude(action, stepIndex, comment, now);
    }

    /// <summary>
    /// Moves the proposal on after a decision in a step (a person's, or the system's on an overdue step): rejected, on to
    /// the next step, approved, or still waiting. Returns true when the whole proposal is now approved.
    /// </summary>
    private bool Conclude(ProposalAction action, int stepIndex, string? comment, DateTimeOffset now)
    {
        var step = Steps[stepIndex];
        switch (step.Outcome)
        {
            case StepOutcome.Rejected:
                // Only a rejection can make a step unreachable, so its reason is the proposal's.
                DecisionComment = comment;
                ClosedAt = now;
                Move(action, ProposalStatus.Rejected);
                Record(HistoryAction.StepCompleted, Actor.System, now, stepIndex + 1, null, $"step {stepIndex + 1} ({step.Name}) rejected ({step.Policy})");
                return false;
            case StepOutcome.Approved:
                Record(HistoryAction.StepCompleted, Actor.System, now, stepIndex + 1, null, $"step {stepIndex + 1} ({step.Name}) approved ({step.Policy})");
                if (stepIndex + 1 < Steps.Count)
                {
                    CurrentStep = stepIndex + 1;
                    var next = Steps[CurrentStep];
                    var dueIn = Workflow.Count > CurrentStep ? Workflow[CurrentStep].DueIn : null;
                    Steps = Steps.SetItem(CurrentStep, next with { DueAt = dueIn is null ? null : now + dueIn });
                    Move(action, ProposalStatus.PendingApproval);
                    return false;
                }

                Move(action, ProposalStatus.Approved);
                return true;
            default:
                Move(action, ProposalStatus.PendingApproval);
                return false;
        }
    }

    /// <summary>The checks every approver action shares, in one order: transition, stale card, segregation of duties, turn.</summary>
    private int CheckDue(Actor actor, ProposalAction action, long? expectedVersion)
    {
        TransitionTable.Ensure(Status, action, Id);
        if (expectedVersion is { } expected && expected != Version)
        {
            throw new WorkflowException(Refusal.StaleVersion, $"Proposal {Id} has changed since this was shown to you; here is where it stands now.");
        }

        if (!SubmitterMayApprove && actor.Is(SubmittedBy))
        {
            throw new WorkflowException(Refusal.SegregationOfDuties, $"You submitted proposal {Id}, so someone else must decide on it.");
        }

        var step = Steps[CurrentStep];
        var slot = step.Approvers.Find(s => actor.Is(s.UserId) && s.Decision == ApprovalDecision.Pending) ?? step.Approvers.Find(s => actor.Is(s.UserId));
        if (slot is null)
        {
            throw new WorkflowException(Refusal.NotYourTurn,
                $"You are not an approver of step {CurrentStep + 1} ({step.Name}) of proposal {Id}.");
        }

        if (slot.Decision != ApprovalDecision.Pending)
        {
            throw new WorkflowException(Refusal.NotYourTurn,
                $"You already {(slot.Decision == ApprovalDecision.Approved ? "approved" : "rejected")} step {CurrentStep + 1} of proposal {Id}.");
        }

        return CurrentStep;
    }

    private static ImmutableList<ApprovalStep> BuildSteps(ImmutableList<ApprovalStepDefinition> workflow, Actor submitter, bool submitterMayApprove, DateTimeOffset now)
    {
        if (workflow.Count == 0)
        {
            throw new WorkflowException(Refusal.InvalidConfiguration, "No approval steps are set up, so nothing can be approved yet. Ask an admin to add an approval step.");
        }

        var steps = ImmutableList.CreateBuilder<ApprovalStep>();
        foreach (var definition in workflow)
        {
            // Segregation of duties: the submitter is left out of the approvers rather than blocking the step.
            var approvers = definition.Approvers
                .Where(a => submitterMayApprove || !submitter.Is(a))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(a => new ApproverSlot(a))
                .ToImmutableList();
            if (approvers.IsEmpty)
            {
                throw new WorkflowException(Refusal.InvalidConfiguration,
                    $"Step '{definition.Name}' has no approver other than you, so it can't be approved. Ask an admin to add an approver.");
            }

            steps.Add(new ApprovalStep(definition.Name, definition.Policy, approvers, null, definition.OnOverdue, definition.EscalateTo));
        }

        var first = workflow[0].DueIn;
        steps[0] = steps[0] with { DueAt = first is null ? null : now + first };
        return steps.ToImmutable();
    }

    private void RemoveLineCore(ProposedChange line, Actor actor, DateTimeOffset now, string? why)
    {
        _lines.Remove(line);
        Record(HistoryAction.Removed, actor, now, null, null, why is null ? line.Field : $"{line.Field} ({why})");
        if (_lines.Count == 0)
        {
            Move(ProposalAction.Edit, ProposalStatus.Discarded);
            ClosedAt = now;
            Record(HistoryAction.Discarded, actor, now, null, null, "no proposed changes left");
        }
        else
        {
            Move(ProposalAction.Edit, Status);
        }
    }

    private void Move(ProposalAction action, ProposalStatus to)
    {
        TransitionTable.EnsureTarget(Status, action, to, Id);
        Status = to;
        Version++;
    }

    private void Record(HistoryAction action, Actor actor, DateTimeOffset now, int? step, string? comment, string? detail)
    {
        HistoryCount++;
        _newHistory.Add(new HistoryEntry(Id, HistoryCount, now, actor.Id, actor.DisplayName, action, step, comment, detail));
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>A proposal's stored state (without its history, which is stored as separate append-only entries).</summary>
public sealed record ProposalState
{
    public required string Id { get; init; }

    public required string CustomerId { get; init; }

    public int Number { get; init; }

    public ProposalStatus Status { get; init; }

    public long Version { get; init; }

    public ImmutableList<ProposedChange> Lines { get; init; } = [];

    public required string CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public string? SubmittedBy { get; init; }

    public string? SubmittedByName { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public string? SubmitComment { get; init; }

    public ImmutableList<ApprovalStepDefinition> Workflow { get; init; } = [];

    public WorkflowRun? Run { get; init; }

    public bool SubmitterMayApprove { get; init; }

    public ImmutableList<ApprovalStep> Steps { get; init; } = [];

    public int CurrentStep { get; init; }

    public string? DecisionComment { get; init; }

    public ImmutableList<string> ConflictFields { get; init; } = [];

    public DateTimeOffset? ClosedAt { get; init; }

    public int HistoryCount { get; init; }
}
