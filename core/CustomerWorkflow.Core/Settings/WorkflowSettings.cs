using System.Collections.Immutable;
using CustomerWorkflow.Core.Fields;

namespace CustomerWorkflow.Core.Settings;

/// <summary>What a bulk import (not a person at the chat) does to approval-enabled fields.</summary>
public enum ImportBehaviour
{
    /// <summary>The import updates the customer directly.</summary>
    Allow,

    /// <summary>A row that changes an approval-enabled field is refused, and the customer is not changed.</summary>
    Reject,

    /// <summary>Other fields are updated; approval-enabled ones become proposed changes, submitted automatically.</summary>
    Propose,
}

/// <summary>How an approval step decides, named as in D365.</summary>
public enum CompletionKind
{
    /// <summary>The first response decides.</summary>
    SingleApprover,

    /// <summary>More than half of the approvers must approve.</summary>
    Majority,

    /// <summary>At least <see cref="CompletionPolicy.Percent"/> percent of the approvers must approve.</summary>
    Percentage,

    /// <summary>Every approver must approve; one rejection rejects.</summary>
    AllApprovers,
}

/// <summary>A completion policy; <see cref="Percent"/> is used by <see cref="CompletionKind.Percentage"/> only.</summary>
public sealed record CompletionPolicy(CompletionKind Kind, int Percent = 0)
{
    public static CompletionPolicy SingleApprover { get; } = new(CompletionKind.SingleApprover);
    public static CompletionPolicy Majority { get; } = new(CompletionKind.Majority);
    public static CompletionPolicy AllApprovers { get; } = new(CompletionKind.AllApprovers);

    public static CompletionPolicy PercentageOf(int percent) =>
        percent is >= 1 and <= 100
            ? new(CompletionKind.Percentage, percent)
            : throw new WorkflowException(Refusal.InvalidConfiguration, $"A percentage policy needs a percent from 1 to 100, not {percent}.");

    public override string ToString() => Kind switch
    {
        CompletionKind.SingleApprover => "single approver",
        CompletionKind.Majority => "majority",
        CompletionKind.Percentage => $"{Percent} % of approvers",
        _ => "all approvers",
    };
}

/// <summary>What the scheduler does when a step's due time passes and approvers are still undecided.</summary>
public enum OverdueAction
{
    /// <summary>Nothing: the due date is shown, no more.</summary>
    None,

    /// <summary>The undecided approvers are told again, and the step is due again one period later.</summary>
    Remind,

    /// <summary>The undecided approvers' places go to the escalation target, who is told.</summary>
    Escalate,

    /// <summary>The system approves the step in the undecided approvers' places.</summary>
    Approve,

    /// <summary>The system rejects the step, and so the proposal.</summary>
    Reject,
}

/// <summary>One approval step of the workflow: who approves and how the step completes.</summary>
/// <param name="DueIn">How long approvers have; null for no due date.</param>
/// <param name="OnOverdue">What happens when the step is still waiting at its due time (needs <paramref name="DueIn"/>).</param>
/// <param name="EscalateTo">The user an escalation hands the step to (with <see cref="OverdueAction.Escalate"/>).</param>
public sealed record ApprovalStepDefinition(
    string Name,
    IReadOnlyList<string> Approvers,
    CompletionPolicy Policy,
    TimeSpan? DueIn = null,
    OverdueAction OnOverdue = OverdueAction.None,
    string? EscalateTo = null);

/// <summary>The admin's settings of the customer workflow. Immutable; changed through the engine, which records each change.</summary>
public sealed record WorkflowSettings : IFieldLists
{
    public static IReadOnlyList<string> DefaultPaymentTerms { get; } = ["COD", "Net7", "Net14", "Net30", "Net45", "Net60", "Net90"];

    public static IReadOnlyList<string> DefaultCustomerGroups { get; } = ["Retail", "Wholesale", "Key accounts", "Intercompany", "Public sector"];

    /// <summary>The global switch: off, every field change applies at once.</summary>
    public bool ApprovalsEnabled { get; init; }

    /// <summary>The data entity behaviour for imports.</summary>
    public ImportBehaviour ImportBehaviour { get; init; } = ImportBehaviour.Allow;

    /// <summary>The fields that need approval (catalog names).</summary>
    public ImmutableSortedSet<string> ApprovalFields { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Segregation of duties: off by default, so a submitter can't approve their own proposal.</summary>
    public bool SubmitterMayApprove { get; init; }

    /// <summary>The approval steps a submitted proposal goes through, in order.</summary>
    public ImmutableList<ApprovalStepDefinition> Steps { get; init; } = [];

    public IReadOnlyList<string> PaymentTerms { get; init; } = DefaultPaymentTerms;

    public IReadOnlyList<string> CustomerGroups { get; init; } = DefaultCustomerGroups;

    /// <summary>Whether a change to this field must be approved before it applies.</summary>
    public bool RequiresApproval(string field) => ApprovalsEnabled && ApprovalFields.Contains(field);
}

/// <summary>A recorded settings change: who, when, which setting, before and after (as text).</summary>
public sealed record SettingsChange(DateTimeOffset At, string ActorId, string ActorName, string Setting, string Before, string After);

/// <summary>The settings as stored, with the version used for optimistic concurrency.</summary>
public sealed record SettingsRecord(WorkflowSettings Settings, long Version);
