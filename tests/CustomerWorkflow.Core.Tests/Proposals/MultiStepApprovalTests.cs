using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Proposals;

/// <summary>Steps run in order: the next step's approvers are due only once the step before it is approved.</summary>
public sealed class MultiStepApprovalTests
{
    private static readonly ApprovalStepDefinition Manager = new("Manager", ["ann", "bob"], CompletionPolicy.SingleApprover, TimeSpan.FromDays(1));
    private static readonly ApprovalStepDefinition Finance = new("Finance", ["cat"], CompletionPolicy.SingleApprover, TimeSpan.FromDays(2));

    [Fact]
    public void Submit_MakesOnlyStepOneDue()
    {
        var proposal = A.Proposal().WithSteps(Manager, Finance).Pending();

        Assert.Equal(0, proposal.CurrentStep);
        Assert.Equal(["ann", "bob"], proposal.DueApprovers);
        Assert.Equal(TestClock.Start.AddDays(1), proposal.Steps[0].DueAt);
        Assert.Null(proposal.Steps[1].DueAt);
    }

    [Fact]
    public void Approve_ByStepTwoApprover_BeforeStepOneIsDone_IsRefused()
    {
        var proposal = A.Proposal().WithSteps(Manager, Finance).Pending();

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Approve(Users.Cat, TestClock.Start, null));

        Assert.Equal(Refusal.NotYourTurn, refusal.Refusal);
        Assert.Contains("step 1 (Manager)", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, proposal.CurrentStep);
    }

    [Fact]
    public void Approve_OfStepOne_MovesToStepTwo_WithItsOwnDueDate()
    {
        var proposal = A.Proposal().WithSteps(Manager, Finance).Pending();
        var later = TestClock.Start.AddHours(3);

        var done = proposal.Approve(Users.Ann, later, null);

        Assert.False(done);
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
        Assert.Equal(1, proposal.CurrentStep);
        Assert.Equal(["cat"], proposal.DueApprovers);
        Assert.Equal(later.AddDays(2), proposal.Steps[1].DueAt);
    }

    [Fact]
    public void Approve_ByStepOneApprover_OnStepTwo_IsRefused()
    {
        var proposal = A.Proposal().WithSteps(Manager, Finance).Pending();
        proposal.Approve(Users.Ann, TestClock.Start, null);

        var byBob = Assert.Throws<WorkflowException>(() => proposal.Approve(Users.Bob, TestClock.Start, null));
        var byAnn = Assert.Throws<WorkflowException>(() => proposal.Approve(Users.Ann, TestClock.Start, null));

        Assert.Equal(Refusal.NotYourTurn, byBob.Refusal);
        Assert.Contains("step 2 (Finance)", byBob.Message, StringComparison.Ordinal);
        Assert.Equal(Refusal.NotYourTurn, byAnn.Refusal);
        Assert.Equal(1, proposal.CurrentStep);
    }

    [Fact]
    public void Approve_OfTheLastStep_ApprovesTheProposal()
    {
        var proposal = A.Proposal().WithSteps(Manager, Finance).Pending();
        proposal.Approve(Users.Bob, TestClock.Start, null);

        var done = proposal.Approve(Users.Cat, TestClock.Start, "Fine.");

        Assert.True(done);
        Assert.Equal(ProposalStatus.Approved, proposal.Status);
        Assert.Empty(proposal.DueApprovers);
    }

    [Fact]
    public void Reject_InStepTwo_RejectsTheProposal()
    {
        var proposal = A.Proposal().WithSteps(Manager, Finance).Pending();
        proposal.Approve(Users.Bob, TestClock.Start, null);

        proposal.Reject(Users.Cat, TestClock.Start, "Over budget.");

        Assert.Equal(ProposalStatus.Rejected, proposal.Status);
        Assert.Equal("Over budget.", proposal.DecisionComment);
    }

    [Fact]
    public void History_RecordsEachDecisionWithItsStep()
    {
        var proposal = A.Proposal().WithSteps(Manager, Finance).Pending();
        proposal.Approve(Users.Ann, TestClock.Start, "ok");
        proposal.Approve(Users.Cat, TestClock.Start, "ok too");

        var approvals = proposal.NewHistory.Where(h => h.Action == HistoryAction.Approved).Select(h => (h.ActorId, h.Step, h.Comment));

        Assert.Equal([("ann", (int?)1, (string?)"ok"), ("cat", 2, "ok too")], approvals);
    }
}
