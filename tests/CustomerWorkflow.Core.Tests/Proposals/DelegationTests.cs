using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Proposals;

/// <summary>An approver hands their place in the waiting step to someone else.</summary>
public sealed class DelegationTests
{
    private static Proposal PendingWithAnnAndBob(bool submitterMayApprove = false)
    {
        var settings = A.Settings().WithSteps(A.Step("Board", CompletionPolicy.AllApprovers, "ann", "bob")).Build()
            with { SubmitterMayApprove = submitterMayApprove };
        return A.Proposal().Under(settings).Pending();
    }

    [Fact]
    public void Delegate_GivesTheDelegateTheDelegatorsPlace()
    {
        var proposal = PendingWithAnnAndBob();

        proposal.Delegate(Users.Ann, TestClock.Start, "zed", "On holiday.");

        Assert.Equal(["zed", "bob"], proposal.DueApprovers);
        Assert.Equal("ann", proposal.Steps[0].Approvers[0].DelegatedFrom);
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
    }

    [Fact]
    public void Approve_ByTheDelegate_CountsForTheStep()
    {
        var proposal = PendingWithAnnAndBob();
        proposal.Delegate(Users.Ann, TestClock.Start, "zed", null);

        proposal.Approve(Users.Zed, TestClock.Start, null);
        proposal.Approve(Users.Bob, TestClock.Start, null);

        Assert.Equal(ProposalStatus.Approved, proposal.Status);
    }

    [Fact]
    public void Approve_ByTheDelegator_AfterDelegating_IsRefused()
    {
        var proposal = PendingWithAnnAndBob();
        proposal.Delegate(Users.Ann, TestClock.Start, "zed", null);

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Approve(Users.Ann, TestClock.Start, null));

        Assert.Equal(Refusal.NotYourTurn, refusal.Refusal);
    }

    [Fact]
    public void Delegate_ToSelf_IsRefused()
    {
        var proposal = PendingWithAnnAndBob();
        var version = proposal.Version;

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Delegate(Users.Ann, TestClock.Start, "ANN", null));

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.Equal(version, proposal.Version);
    }

    [Fact]
    public void Delegate_ToAnExistingApproverOfTheStep_IsRefused()
    {
        var proposal = PendingWithAnnAndBob();

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Delegate(Users.Ann, TestClock.Start, "bob", null));

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.Contains("already an approver", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(["ann", "bob"], proposal.DueApprovers);
    }

    [Fact]
    public void Delegate_ToTheSubmitter_IsRefusedBySegregationOfDuties()
    {
        var proposal = PendingWithAnnAndBob();

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Delegate(Users.Ann, TestClock.Start, Users.Clerk.Id, null));

        Assert.Equal(Refusal.SegregationOfDuties, refusal.Refusal);
        Assert.Equal(["ann", "bob"], proposal.DueApprovers);
    }

    [Fact]
    public void Delegate_ToTheSubmitter_WhenSubmitterMayApprove_IsAllowed()
    {
        var proposal = PendingWithAnnAndBob(submitterMayApprove: true);

        proposal.Delegate(Users.Ann, TestClock.Start, Users.Clerk.Id, null);

        Assert.Contains(Users.Clerk.Id, proposal.DueApprovers);
    }

    [Fact]
    public void Delegate_BySomeoneNotInTheStep_IsRefused()
    {
        var proposal = PendingWithAnnAndBob();

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Delegate(Users.Cat, TestClock.Start, "zed", null));

        Assert.Equal(Refusal.NotYourTurn, refusal.Refusal);
    }
}
