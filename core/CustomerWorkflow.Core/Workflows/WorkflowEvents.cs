using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>How a response can attach to an event: when the workflow is laid out at submit, or as the proposal moves on.</summary>
public enum WorkflowEventKind
{
    /// <summary>The proposal is submitted: the workflow is chosen by this event's conditions and laid out.</summary>
    Submitted,

    /// <summary>An approval step completed with approval: the next approval step starts.</summary>
    StepApproved,

    /// <summary>An approval step passed its due time: shapes what the scheduler does with the step before it.</summary>
    Overdue,

    /// <summary>Something happened to the proposal later on (decided, applied, sent back, …): responses react as it happens.</summary>
    Outcome,
}

/// <summary>
/// An event of the fixed catalog (the seed's "werkstroomgebeurtenis"). Adding one is one class implementing this
/// interface: the bot host registers every implementation it finds, and <see cref="WorkflowCatalog"/> serves them by code.
/// </summary>
public interface IWorkflowEvent
{
    /// <summary>The code workflows name it by, lower case with dashes (<c>proposal-submitted</c>).</summary>
    string Code { get; }

    /// <summary>How people read it ("changes are submitted").</summary>
    string Title { get; }

    WorkflowEventKind Kind { get; }

    /// <summary>Whether <paramref name="entry"/>, just recorded on <paramref name="proposal"/>, is this event happening.</summary>
    bool Matches(HistoryEntry entry, Proposal proposal);
}

/// <summary>The codes of the built-in events.</summary>
public static class WorkflowEvents
{
    public const string ProposalSubmitted = "proposal-submitted";
    public const string StepApproved = "step-approved";
    public const string StepRejected = "step-rejected";
    public const string ChangeRequested = "change-requested";
    public const string ProposalApproved = "proposal-approved";
    public const string ProposalRejected = "proposal-rejected";
    public const string ApprovalOverdue = "approval-overdue";
    public const string ProposalApplied = "proposal-applied";
    public const string ConflictDetected = "conflict-detected";
    public const string ProposalRecalled = "proposal-recalled";

    /// <summary>The outcome of the step a history entry is about, when it names one.</summary>
    internal static StepOutcome? OutcomeOf(HistoryEntry entry, Proposal proposal) =>
        entry.Step is { } n && n >= 1 && n <= proposal.Steps.Count ? proposal.Steps[n - 1].Outcome : null;

    /// <summary>A decision the system took for the whole proposal (approved or rejected automatically): no step named.</summary>
    internal static bool IsAutomatic(HistoryEntry entry, HistoryAction action) =>
        entry.Action == action && entry.Step is null && string.Equals(entry.ActorId, Actor.System.Id, StringComparison.Ordinal);
}

/// <summary>The proposal is submitted, or resubmitted after a change request.</summary>
public sealed class ProposalSubmittedEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.ProposalSubmitted;

    public string Title => "changes are submitted";

    public WorkflowEventKind Kind => WorkflowEventKind.Submitted;

    public bool Matches(HistoryEntry entry, Proposal proposal) => entry.Action is HistoryAction.Submitted or HistoryAction.Resubmitted;
}

/// <summary>An approval step completed with approval (the last one too).</summary>
public sealed class StepApprovedEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.StepApproved;

    public string Title => "an approval step is approved";

    public WorkflowEventKind Kind => WorkflowEventKind.StepApproved;

    public bool Matches(HistoryEntry entry, Proposal proposal) =>
        entry.Action == HistoryAction.StepCompleted && WorkflowEvents.OutcomeOf(entry, proposal) == StepOutcome.Approved;
}

/// <summary>An approval step completed with rejection (which rejects the proposal).</summary>
public sealed class StepRejectedEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.StepRejected;

    public string Title => "an approval step is rejected";

    public WorkflowEventKind Kind => WorkflowEventKind.Outcome;

    public bool Matches(HistoryEntry entry, Proposal proposal) =>
        entry.Action == HistoryAction.StepCompleted && WorkflowEvents.OutcomeOf(entry, proposal) == StepOutcome.Rejected;
}

/// <summary>An approver sent the proposal back to the submitter.</summary>
public sealed class ChangeRequestedEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.ChangeRequested;

    public string Title => "a change is requested";

    public WorkflowEventKind Kind => WorkflowEventKind.Outcome;

    public bool Matches(HistoryEntry entry, Proposal proposal) => entry.Action == HistoryAction.ChangeRequested;
}

/// <summary>Every approval is complete (or the system approved it): the proposal is approved.</summary>
public sealed class ProposalApprovedEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.ProposalApproved;

    public string Title => "the proposal is approved";

    public WorkflowEventKind Kind => WorkflowEventKind.Outcome;

    public bool Matches(HistoryEntry entry, Proposal proposal) =>
        (entry.Action == HistoryAction.StepCompleted && entry.Step == proposal.Steps.Count && WorkflowEvents.OutcomeOf(entry, proposal) == StepOutcome.Approved)
        || WorkflowEvents.IsAutomatic(entry, HistoryAction.Approved);
}

/// <summary>The proposal is rejected, by an approver's step or by the system.</summary>
public sealed class ProposalRejectedEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.ProposalRejected;

    public string Title => "the proposal is rejected";

    public WorkflowEventKind Kind => WorkflowEventKind.Outcome;

    public bool Matches(HistoryEntry entry, Proposal proposal) =>
        (entry.Action == HistoryAction.StepCompleted && WorkflowEvents.OutcomeOf(entry, proposal) == StepOutcome.Rejected)
        || WorkflowEvents.IsAutomatic(entry, HistoryAction.Rejected);
}

/// <summary>
/// An approval step passed its due time. The scheduler raises it; a workflow shapes it ahead of time, because the
/// responses on it (escalate, remind, approve or reject automatically) become the step's <c>OnOverdue</c> options.
/// </summary>
public sealed class ApprovalOverdueEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.ApprovalOverdue;

    public string Title => "an approval is overdue";

    public WorkflowEventKind Kind => WorkflowEventKind.Overdue;

    public bool Matches(HistoryEntry entry, Proposal proposal) => false;
}

/// <summary>The approved values were written to the customer.</summary>
public sealed class ProposalAppliedEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.ProposalApplied;

    public string Title => "the new values are applied";

    public WorkflowEventKind Kind => WorkflowEventKind.Outcome;

    public bool Matches(HistoryEntry entry, Proposal proposal) => entry.Action == HistoryAction.Applied;
}

/// <summary>The customer changed since the proposal was made, so the approved values were not applied.</summary>
public sealed class ConflictDetectedEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.ConflictDetected;

    public string Title => "a conflict is found when applying";

    public WorkflowEventKind Kind => WorkflowEventKind.Outcome;

    public bool Matches(HistoryEntry entry, Proposal proposal) => entry.Action == HistoryAction.Conflict;
}

/// <summary>The submitter withdrew the proposal while it waited for approval.</summary>
public sealed class ProposalRecalledEvent : IWorkflowEvent
{
    public string Code => WorkflowEvents.ProposalRecalled;

    public string Title => "the submitter recalls the proposal";

    public WorkflowEventKind Kind => WorkflowEventKind.Outcome;

    public bool Matches(HistoryEntry entry, Proposal proposal) => entry.Action == HistoryAction.Recalled;
}
