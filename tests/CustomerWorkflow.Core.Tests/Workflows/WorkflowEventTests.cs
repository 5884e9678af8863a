using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Core.Workflows;

namespace CustomerWorkflow.Core.Tests.Workflows;

/// <summary>
/// Each event happens exactly when the proposal does what it names: a workflow with a notice on every event shows,
/// action by action, which events the engine saw.
/// </summary>
public sealed class WorkflowEventTests : WorkflowTestBase
{
    private static readonly string[] Noticed =
    [
        WorkflowEvents.ProposalSubmitted, WorkflowEvents.StepApproved, WorkflowEvents.StepRejected, WorkflowEvents.ChangeRequested,
        WorkflowEvents.ProposalApproved, WorkflowEvents.ProposalRejected, WorkflowEvents.ProposalApplied, WorkflowEvents.ConflictDetected,
        WorkflowEvents.ProposalRecalled,
    ];

    /// <summary>An action on the proposal, and the events it must raise, in order.</summary>
    public static TheoryData<string, string[]> Actions { get; } = new()
    {
        { "submit", [WorkflowEvents.ProposalSubmitted] },
        { "approve the only step", [WorkflowEvents.StepApproved, WorkflowEvents.ProposalApproved, WorkflowEvents.ProposalApplied] },
        { "approve step 1 of 2", [WorkflowEvents.StepApproved] },
        { "reject", [WorkflowEvents.StepRejected, WorkflowEvents.ProposalRejected] },
        { "request a change", [WorkflowEvents.ChangeRequested] },
        { "resubmit", [WorkflowEvents.ProposalSubmitted] },
        { "recall", [WorkflowEvents.ProposalRecalled] },
        { "approve after the customer changed", [WorkflowEvents.StepApproved, WorkflowEvents.ProposalApproved, WorkflowEvents.ConflictDetected] },
        { "delegate", [] },
    };

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task An_action_raises_exactly_its_events(string action, string[] events)
    {
        await EnabledAsync(new WorkflowDefinition
        {
            Code = "EVENTS",
            Steps =
            [
                Approval("ann"),
                .. action == "approve step 1 of 2" ? [On(WorkflowEvents.StepApproved, WorkflowResponses.RequestApproval, new ResponseOptions { Approvers = ApproverSpec.Users("bob") })] : Array.Empty<WorkflowStep>(),
                .. Noticed.Select(e => On(e, WorkflowResponses.NotifyUsers, new ResponseOptions { Recipients = ["zed"], Message = e })),
            ],
        });

        var result = await ActAsync(action);

        Assert.Equal(events, result.Effects.Select(e => e.Message.Split(' ')[0]));
        Assert.All(result.Effects, e => Assert.Equal(["zed"], e.Users));
    }

    private async Task<ProposalResult> ActAsync(string action)
    {
        var submitted = await SubmitCreditLimitAsync();
        var id = submitted.Proposal.Id;
        switch (action)
        {
            case "submit":
                return submitted;
            case "approve the only step" or "approve step 1 of 2":
                return await Flow.ApproveAsync(Users.Ann, id);
            case "reject":
                return await Flow.RejectAsync(Users.Ann, id, "too much");
            case "request a change":
                return await Flow.RequestChangeAsync(Users.Ann, id, "make it 20000");
            case "resubmit":
                await Flow.RequestChangeAsync(Users.Ann, id, "make it 20000");
                await SetAsync((FieldCatalog.CreditLimit, "20000"));
                return await Flow.SubmitAsync(Users.Clerk, "US-001");
            case "recall":
                return await Flow.RecallAsync(Users.Clerk, "US-001");
            case "approve after the customer changed":
                await Flow.SetApprovalsEnabledAsync(Users.Admin, false);
                await SetAsync((FieldCatalog.CreditLimit, "3000"));
                return await Flow.ApproveAsync(Users.Ann, id);
            default:
                return await Flow.DelegateAsync(Users.Ann, id, "dan");
        }
    }

    [Fact]
    public void An_overdue_approval_is_raised_by_the_scheduler_not_by_a_history_entry()
    {
        var proposal = Proposal.Start("US-001", 1, Users.Clerk, TestClock.Start);
        proposal.Propose(FieldCatalog.CreditLimit, "1000.00", "2000.00", Users.Clerk, TestClock.Start);
        var overdue = WorkflowCatalog.BuiltIn.Event(WorkflowEvents.ApprovalOverdue);

        Assert.Equal(WorkflowEventKind.Overdue, overdue.Kind);
        Assert.DoesNotContain(proposal.NewHistory, e => overdue.Matches(e, proposal));
    }

    [Fact]
    public void Every_event_of_the_catalog_is_covered()
    {
        var covered = Noticed.Append(WorkflowEvents.ApprovalOverdue).ToHashSet(StringComparer.Ordinal);

        Assert.All(WorkflowCatalog.BuiltIn.Events, e => Assert.Contains(e.Code, covered));
    }
}
