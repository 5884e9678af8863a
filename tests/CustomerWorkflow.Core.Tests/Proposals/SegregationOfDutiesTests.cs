using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Proposals;

/// <summary>The submitter can't decide on their own proposal unless an admin turned that off.</summary>
public sealed class SegregationOfDutiesTests
{
    // The submitter is a clerk who is also an approver of the step.
    private static readonly Actor ClerkApprover = new("sam", "Sam Both", Roles.Clerk | Roles.Approver);

    [Fact]
    public void Submit_LeavesTheSubmitterOutOfTheStepsApprovers()
    {
        var proposal = A.Proposal().SubmittedBy(ClerkApprover).WithSteps(A.Step("Finance", "sam", "ann")).Pending();

        Assert.Equal(["ann"], proposal.DueApprovers);
    }

    [Fact]
    public void Approve_WhenSubmitterIsApprover_IsRefused()
    {
        var proposal = A.Proposal().SubmittedBy(ClerkApprover).WithSteps(A.Step("Finance", "sam", "ann")).Pending();

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Approve(ClerkApprover, TestClock.Start, null));

        Assert.Equal(Refusal.SegregationOfDuties, refusal.Refusal);
        Assert.Equal($"You submitted proposal {proposal.Id}, so someone else must decide on it.", refusal.Message);
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
    }

    [Fact]
    public void Reject_BySubmitter_IsRefused()
    {
        var proposal = A.Proposal().SubmittedBy(ClerkApprover).WithSteps(A.Step("Finance", "ann")).Pending();

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Reject(ClerkApprover, TestClock.Start, "Changed my mind."));

        Assert.Equal(Refusal.SegregationOfDuties, refusal.Refusal);
    }

    [Fact]
    public void Approve_BySubmitter_WhenSubmitterMayApprove_Approves()
    {
        var settings = A.Settings().SubmitterMayApprove().WithSteps(A.Step("Finance", "sam", "ann")).Build();
        var proposal = A.Proposal().SubmittedBy(ClerkApprover).Under(settings).Pending();

        Assert.Equal(["sam", "ann"], proposal.DueApprovers);
        proposal.Approve(ClerkApprover, TestClock.Start, null);

        Assert.Equal(ProposalStatus.Approved, proposal.Status);
    }

    [Fact]
    public void Submit_WhenAStepHasNoApproverButTheSubmitter_IsRefused()
    {
        var proposal = A.Proposal().SubmittedBy(ClerkApprover)
            .WithSteps(A.Step("Manager", "ann"), A.Step("Finance", "SAM"))
            .NotSubmitted();
        var version = proposal.Version;

        var refusal = Assert.Throws<WorkflowException>(() =>
            proposal.Submit(ClerkApprover, TestClock.Start, null, A.Settings().WithSteps(A.Step("Manager", "ann"), A.Step("Finance", "SAM"))));

        Assert.Equal(Refusal.InvalidConfiguration, refusal.Refusal);
        Assert.Contains("Step 'Finance' has no approver other than you", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.NotSubmitted, proposal.Status);
        Assert.Equal(version, proposal.Version);
    }

    [Fact]
    public void Submit_WhenNoStepsAreSetUp_IsRefused()
    {
        var proposal = A.Proposal().NotSubmitted();

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Submit(Users.Clerk, TestClock.Start, null, A.Settings().WithSteps()));

        Assert.Equal(Refusal.InvalidConfiguration, refusal.Refusal);
        Assert.Equal(ProposalStatus.NotSubmitted, proposal.Status);
    }
}
