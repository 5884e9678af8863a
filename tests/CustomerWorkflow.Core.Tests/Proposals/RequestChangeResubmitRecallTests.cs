using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Proposals;

/// <summary>An approver returns a proposal to the submitter, who edits and resubmits it; or the submitter recalls it.</summary>
public sealed class RequestChangeResubmitRecallTests
{
    private static readonly ApprovalStepDefinition Manager = A.Step("Manager", "ann");
    private static readonly ApprovalStepDefinition Finance = A.Step("Finance", "cat");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void RequestChange_WithoutComment_IsRefused(string? comment)
    {
        var proposal = A.Proposal().Pending();
        var version = proposal.Version;

        var refusal = Assert.Throws<WorkflowException>(() => proposal.RequestChange(Users.Ann, TestClock.Start, comment));

        Assert.Equal(Refusal.CommentRequired, refusal.Refusal);
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
        Assert.Equal(version, proposal.Version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Reject_WithoutReason_IsRefused(string? reason)
    {
        var proposal = A.Proposal().Pending();

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Reject(Users.Ann, TestClock.Start, reason));

        Assert.Equal(Refusal.CommentRequired, refusal.Refusal);
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
        Assert.All(proposal.Steps[0].Approvers, a => Assert.Equal(ApprovalDecision.Pending, a.Decision));
    }

    [Fact]
    public void RequestChange_ReturnsTheProposalToTheSubmitter_Editable()
    {
        var proposal = A.Proposal().Pending();

        proposal.RequestChange(Users.Ann, TestClock.Start, "  Please lower it.  ");
        proposal.Propose(FieldCatalog.CreditLimit, "1000.00", "3000.00", Users.Clerk, TestClock.Start);

        Assert.Equal(ProposalStatus.ChangeRequested, proposal.Status);
        Assert.Equal("Please lower it.", proposal.DecisionComment);
        Assert.Equal("3000.00", proposal.LineFor(FieldCatalog.CreditLimit)?.ProposedValue);
        Assert.Empty(proposal.DueApprovers);
    }

    [Fact]
    public void Resubmit_RestartsAtStepOne_WithEarlierDecisionsCleared()
    {
        var proposal = A.Proposal().WithSteps(Manager, Finance).Pending();
        proposal.Approve(Users.Ann, TestClock.Start, null);
        proposal.RequestChange(Users.Cat, TestClock.Start, "Attach the credit check.");

        proposal.Submit(Users.Clerk, TestClock.Start.AddHours(1), "Attached.", A.Settings().WithSteps(Manager, Finance));

        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
        Assert.Equal(0, proposal.CurrentStep);
        Assert.Equal(["ann"], proposal.DueApprovers);
        Assert.Null(proposal.DecisionComment);
        Assert.Equal(HistoryAction.Resubmitted, proposal.NewHistory[^1].Action);
    }

    [Fact]
    public void Resubmit_KeepsTheWorkflowItStartedWith_EvenIfTheSettingsChanged()
    {
        var proposal = A.Proposal().WithSteps(Manager, Finance).Pending();
        proposal.RequestChange(Users.Ann, TestClock.Start, "Lower it.");
        var changedMeanwhile = A.Settings().WithSteps(A.Step("Board", CompletionPolicy.AllApprovers, "dan", "eve")).SubmitterMayApprove().Build();

        proposal.Submit(Users.Clerk, TestClock.Start, null, changedMeanwhile);

        Assert.Equal(["Manager", "Finance"], proposal.Steps.Select(s => s.Name));
        Assert.Equal(["Manager", "Finance"], proposal.Workflow.Select(s => s.Name));
        Assert.Equal(["ann"], proposal.DueApprovers);
        Assert.False(proposal.SubmitterMayApprove);
    }

    [Fact]
    public void Resubmit_KeepsTheOriginalSubmitter()
    {
        var proposal = A.Proposal().Pending();
        proposal.RequestChange(Users.Ann, TestClock.Start, "Lower it.");

        proposal.Submit(Users.Admin, TestClock.Start, null, A.Settings());

        Assert.Equal(Users.Clerk.Id, proposal.SubmittedBy);
    }

    [Fact]
    public void Recall_BySubmitter_MakesItEditableAgain()
    {
        var proposal = A.Proposal().Pending();

        proposal.Recall(Users.Clerk, TestClock.Start, "Wrong amount.");
        proposal.Propose(FieldCatalog.CreditLimit, "1000.00", "2000.00", Users.Clerk, TestClock.Start);

        Assert.Equal(ProposalStatus.NotSubmitted, proposal.Status);
        Assert.Empty(proposal.Steps);
        Assert.Empty(proposal.DueApprovers);
        Assert.Equal("2000.00", proposal.LineFor(FieldCatalog.CreditLimit)?.ProposedValue);
    }

    [Fact]
    public void Recall_ByAdmin_IsAllowed()
    {
        var proposal = A.Proposal().Pending();

        proposal.Recall(Users.Admin, TestClock.Start);

        Assert.Equal(ProposalStatus.NotSubmitted, proposal.Status);
    }

    [Theory]
    [InlineData("clerk-2")]
    [InlineData("ann")]
    public void Recall_BySomeoneElse_IsRefused(string userId)
    {
        var proposal = A.Proposal().Pending();
        var someoneElse = new Actor(userId, userId, Roles.Clerk | Roles.Approver);

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Recall(someoneElse, TestClock.Start));

        Assert.Equal(Refusal.NotAllowed, refusal.Refusal);
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
    }

    [Fact]
    public void Submit_AfterRecall_TakesTheCurrentWorkflow()
    {
        var proposal = A.Proposal().WithSteps(Manager).Pending();
        proposal.Recall(Users.Clerk, TestClock.Start);

        proposal.Submit(Users.Clerk, TestClock.Start, null, A.Settings().WithSteps(Finance));

        Assert.Equal(["cat"], proposal.DueApprovers);
    }

    [Fact]
    public void Submit_WithNoLines_IsRefused()
    {
        var proposal = Proposal.Start("US-001", 1, Users.Clerk, TestClock.Start);

        var refusal = Assert.Throws<WorkflowException>(() => proposal.Submit(Users.Clerk, TestClock.Start, null, A.Settings()));

        Assert.Equal(Refusal.NothingToSubmit, refusal.Refusal);
    }

    [Fact]
    public void Propose_BackToTheOriginal_RemovesTheLine_AndTheLastLineDiscards()
    {
        var proposal = A.Proposal().Proposing(FieldCatalog.CreditLimit, "5000.00").Proposing(FieldCatalog.PaymentTerms, "Net60").NotSubmitted();

        proposal.Propose(FieldCatalog.PaymentTerms, "Net30", "Net30", Users.Clerk, TestClock.Start);
        Assert.Null(proposal.LineFor(FieldCatalog.PaymentTerms));
        Assert.Equal(ProposalStatus.NotSubmitted, proposal.Status);

        proposal.Propose(FieldCatalog.CreditLimit, "1000.00", "1000.00", Users.Clerk, TestClock.Start);
        Assert.Empty(proposal.Lines);
        Assert.Equal(ProposalStatus.Discarded, proposal.Status);
    }

    [Fact]
    public void Propose_AgainForTheSameField_ReplacesTheLine()
    {
        var proposal = A.Proposal().Proposing(FieldCatalog.CreditLimit, "5000.00").NotSubmitted();

        proposal.Propose(FieldCatalog.CreditLimit, "1000.00", "7000.00", Users.Clerk, TestClock.Start);

        var line = Assert.Single(proposal.Lines);
        Assert.Equal(("1000.00", "7000.00"), (line.OriginalValue, line.ProposedValue));
    }
}
