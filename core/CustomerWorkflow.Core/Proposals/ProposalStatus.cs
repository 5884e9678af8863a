namespace CustomerWorkflow.Core.Proposals;

/// <summary>Where a proposal stands. The seeds' wording is in <see cref="ProposalText.Describe(ProposalStatus)"/>.</summary>
public enum ProposalStatus
{
    NotSubmitted,
    PendingApproval,
    ChangeRequested,
    Approved,
    Applied,
    Rejected,
    Conflict,
    Discarded,
}

/// <summary>What can be done to a proposal; each is a column of the transition table.</summary>
public enum ProposalAction
{
    Edit,
    Discard,
    Submit,
    Resubmit,
    Recall,
    Approve,
    Reject,
    RequestChange,
    Delegate,
    Apply,
}

/// <summary>The words users see for statuses and actions.</summary>
public static class ProposalText
{
    public static string Describe(ProposalStatus status) => status switch
    {
        ProposalStatus.NotSubmitted => "not submitted",
        ProposalStatus.PendingApproval => "pending approval",
        ProposalStatus.ChangeRequested => "change requested",
        ProposalStatus.Approved => "approved",
        ProposalStatus.Applied => "applied",
        ProposalStatus.Rejected => "rejected",
        ProposalStatus.Conflict => "in conflict",
        ProposalStatus.Discarded => "discarded",
        _ => status.ToString(),
    };

    public static string Verb(ProposalAction action) => action switch
    {
        ProposalAction.Edit => "change",
        ProposalAction.Discard => "discard",
        ProposalAction.Submit => "submit",
        ProposalAction.Resubmit => "resubmit",
        ProposalAction.Recall => "recall",
        ProposalAction.Approve => "approve",
        ProposalAction.Reject => "reject",
        ProposalAction.RequestChange => "request a change to",
        ProposalAction.Delegate => "delegate",
        ProposalAction.Apply => "apply",
        _ => action.ToString(),
    };

    public static bool IsOpen(ProposalStatus status) =>
        status is ProposalStatus.NotSubmitted or ProposalStatus.PendingApproval or ProposalStatus.ChangeRequested or ProposalStatus.Approved;
}
