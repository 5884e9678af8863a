using System.Collections.Immutable;
using System.Globalization;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Proposals;

/// <summary>One line of the proposed-changes list: a field, its original value and the proposed value.</summary>
public sealed record ProposedChange(string Field, string OriginalValue, string ProposedValue, string ProposedBy, DateTimeOffset ProposedAt);

/// <summary>An approver's decision in a step.</summary>
public enum ApprovalDecision
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>
/// An approver's place in a step. A delegate (or a substitute, or an escalation target) takes the place and records whom
/// it was handed over from; one person may hold several places of a step, and one decision of theirs fills them all.
/// </summary>
/// <param name="Automatic">The system decided this place because the step was overdue (not the person named).</param>
public sealed record ApproverSlot(string UserId, ApprovalDecision Decision = ApprovalDecision.Pending, DateTimeOffset? DecidedAt = null, string? Comment = null, string? DelegatedFrom = null, bool Automatic = false);

/// <summary>What a step has come to under its completion policy.</summary>
public enum StepOutcome
{
    Waiting,
    Approved,
    Rejected,
}

/// <summary>A step of a submitted proposal: its approvers with their decisions, and its policy.</summary>
/// <param name="OnOverdue">What the scheduler does at <paramref name="DueAt"/>, copied from the step's definition when it starts.</param>
/// <param name="EscalateTo">Whom an escalation hands the step to.</param>
public sealed record ApprovalStep(string Name, CompletionPolicy Policy, ImmutableList<ApproverSlot> Approvers, DateTimeOffset? DueAt, OverdueAction OnOverdue = OverdueAction.None, string? EscalateTo = null)
{
    /// <summary>The step's outcome under its completion policy.</summary>
    public StepOutcome Outcome
    {
        get
        {
            var n = Approvers.Count;
            var approved = Approvers.Count(a => a.Decision == ApprovalDecision.Approved);
            var rejected = Approvers.Count(a => a.Decision == ApprovalDecision.Rejected);
            var pending = n - approved - rejected;
            switch (Policy.Kind)
            {
                case CompletionKind.SingleApprover:
                    return approved > 0 ? StepOutcome.Approved : rejected > 0 ? StepOutcome.Rejected : StepOutcome.Waiting;
                case CompletionKind.AllApprovers:
                    return rejected > 0 ? StepOutcome.Rejected : approved == n ? StepOutcome.Approved : StepOutcome.Waiting;
                default:
                    var needed = Needed(n);
                    return approved >= needed ? StepOutcome.Approved
                        : approved + pending < needed ? StepOutcome.Rejected
                        : StepOutcome.Waiting;
            }
        }
    }

    /// <summary>How many approvals complete the step.</summary>
    public int Needed(int approverCount) => Policy.Kind switch
    {
        CompletionKind.SingleApprover => 1,
        CompletionKind.AllApprovers => approverCount,
        CompletionKind.Majority => (approverCount / 2) + 1,
        _ => Math.Max(1, (int)Math.Ceiling(approverCount * Policy.Percent / 100m)),
    };

    /// <summary>The approvers who have not decided yet (they are due while the step is waiting), each once.</summary>
    public IEnumerable<string> Undecided => Approvers.Where(a => a.Decision == ApprovalDecision.Pending).Select(a => a.UserId).Distinct(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The kinds of history entry.</summary>
public enum HistoryAction
{
    Proposed,
    Removed,
    Discarded,
    Submitted,
    Resubmitted,
    Recalled,
    Approved,
    Rejected,
    ChangeRequested,
    Delegated,
    StepCompleted,
    Applied,
    Conflict,

    /// <summary>The system chose the workflow the proposal runs under, and says why.</summary>
    WorkflowChosen,

    // Added by the scheduler and the workflow users (issue 8). Stored by name, so appended here.
    Reminded,
    Escalated,
    AutoApproved,
    AutoRejected,
    Substituted,
}

/// <summary>One entry of a proposal's history. Entries are appended and never rewritten.</summary>
public sealed record HistoryEntry(
    string ProposalId,
    int Sequence,
    DateTimeOffset At,
    string ActorId,
    string ActorName,
    HistoryAction Action,
    int? Step,
    string? Comment,
    string? Detail);

/// <summary>Proposal ids are <c>{customerId}-P{number}</c>, so the customer (and its partition) follows from the id.</summary>
public static class ProposalId
{
    public static string Create(string customerId, int number) => string.Create(CultureInfo.InvariantCulture, $"{customerId}-P{number}");

    /// <summary>The customer id inside a proposal id, or null when the text is not a proposal id.</summary>
    public static string? CustomerIdOf(string proposalId)
    {
        var id = proposalId.Trim().ToUpperInvariant();
        var at = id.LastIndexOf("-P", StringComparison.Ordinal);
        if (at <= 0 || at + 2 >= id.Length || !id.AsSpan(at + 2).ToString().All(char.IsAsciiDigit))
        {
            return null;
        }

        return id[..at];
    }

    public static string Normalize(string proposalId) => proposalId.Trim().ToUpperInvariant();
}
