using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Engine;

/// <summary>A customer as a user sees it: values, which fields need approval, and the open proposal.</summary>
public sealed record CustomerView(Customer Customer, Proposal? OpenProposal, WorkflowSettings Settings)
{
    public bool RequiresApproval(string field) => Settings.RequiresApproval(field);
}

/// <summary>What happened to one field of a <c>set</c>.</summary>
public enum FieldChangeKind
{
    /// <summary>The customer was changed at once.</summary>
    Applied,

    /// <summary>A proposed change was recorded; the customer keeps its value.</summary>
    Proposed,

    /// <summary>The value was set back to the original, so its proposed change was removed.</summary>
    ProposalRemoved,

    /// <summary>The value was already the customer's value.</summary>
    Unchanged,
}

public sealed record FieldChange(string Field, FieldChangeKind Kind, string OriginalValue, string NewValue);

/// <summary>The outcome of a <c>set</c>: per field what happened, the customer and the open proposal after it.</summary>
public sealed record SetFieldsResult(Customer Customer, Proposal? Proposal, IReadOnlyList<FieldChange> Changes);

/// <summary>A proposal after an action, with its customer (updated when the action applied the proposal).</summary>
public sealed record ProposalResult(Proposal Proposal, Customer Customer)
{
    /// <summary>The notices and posts the workflow's responses asked for in this action, for the bot to deliver.</summary>
    public IReadOnlyList<Workflows.WorkflowEffect> Effects { get; init; } = [];
}
