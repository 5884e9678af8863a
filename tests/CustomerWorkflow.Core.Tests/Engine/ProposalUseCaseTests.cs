using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Engine;

/// <summary>Remove, discard, submit, decide and apply, each as one use case over the store.</summary>
public sealed class ProposalUseCaseTests : EngineTestBase
{
    [Fact]
    public async Task Remove_DeletesOneLine()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"), (FieldCatalog.PaymentTerms, "Net60"));

        await Engine.RemoveAsync(Users.Clerk, "us-001", "paymentterms");

        var proposal = (await RecordAsync()).OpenProposal!;
        Assert.Equal([FieldCatalog.CreditLimit], proposal.Lines.Select(l => l.Field));
    }

    [Fact]
    public async Task Remove_OfTheLastLine_DiscardsTheProposal()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"));

        var result = await Engine.RemoveAsync(Users.Clerk, "US-001", FieldCatalog.CreditLimit);

        Assert.Equal(ProposalStatus.Discarded, result.Proposal.Status);
        Assert.Null((await RecordAsync()).OpenProposal);
    }

    [Fact]
    public async Task Remove_OfAFieldWithoutALine_IsRefused()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"));

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.RemoveAsync(Users.Clerk, "US-001", FieldCatalog.PaymentTerms));

        Assert.Equal(Refusal.UnknownField, refusal.Refusal);
        Assert.Single((await RecordAsync()).OpenProposal!.Lines);
    }

    [Fact]
    public async Task Discard_ClosesTheProposal_AndLeavesTheCustomer()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"), (FieldCatalog.PaymentTerms, "Net60"));

        await Engine.DiscardAsync(Users.Clerk, "US-001");

        var record = await RecordAsync();
        Assert.Null(record.OpenProposal);
        Assert.Equal("1000.00", record.Customer[FieldCatalog.CreditLimit]);
        Assert.Equal(ProposalStatus.Discarded, (await StoredProposalAsync("US-001-P1")).Status);
    }

    [Fact]
    public async Task Discard_WithoutAProposal_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.DiscardAsync(Users.Clerk, "US-001"));

        Assert.Equal(Refusal.NothingToSubmit, refusal.Refusal);
    }

    [Fact]
    public async Task Submit_PutsTheProposalInTheApproversInboxes()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"));

        var result = await Engine.SubmitAsync(Users.Clerk, "US-001", "Customer asked for more room.");

        Assert.Equal(ProposalStatus.PendingApproval, result.Proposal.Status);
        Assert.Equal("US-001-P1", Assert.Single(await Engine.GetInboxAsync(Users.Ann)).Id);
        Assert.Equal("US-001-P1", Assert.Single(await Engine.GetInboxAsync(Users.Bob)).Id);
        Assert.Empty(await Engine.GetInboxAsync(Users.Cat));
        Assert.Equal("US-001-P1", Assert.Single(await Engine.ListMineAsync(Users.Clerk)).Id);
        Assert.Equal("Customer asked for more room.", (await StoredProposalAsync("US-001-P1")).SubmitComment);
    }

    [Fact]
    public async Task Submit_WithoutProposedChanges_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.SubmitAsync(Users.Clerk, "US-001"));

        Assert.Equal(Refusal.NothingToSubmit, refusal.Refusal);
    }

    [Fact]
    public async Task Approve_OfTheLastStep_AppliesTheProposedValues()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"), (FieldCatalog.PaymentTerms, "Net60"));
        await Engine.SubmitAsync(Users.Clerk, "US-001");
        Time.Advance(TimeSpan.FromHours(2));

        var result = await Engine.ApproveAsync(Users.Ann, "us-001-p1", "Fine.");

        Assert.Equal(ProposalStatus.Applied, result.Proposal.Status);
        var record = await RecordAsync();
        Assert.Equal("5000.00", record.Customer[FieldCatalog.CreditLimit]);
        Assert.Equal("Net60", record.Customer[FieldCatalog.PaymentTerms]);
        Assert.Null(record.OpenProposal);
        var stored = await StoredProposalAsync("US-001-P1");
        Assert.Equal(ProposalStatus.Applied, stored.Status);
        Assert.Equal(TestClock.Start.AddHours(2), stored.ClosedAt);
        Assert.Empty(await Engine.GetInboxAsync(Users.Bob));
    }

    [Fact]
    public async Task History_SaysWhoDidWhatWhenWithWhichComment()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"));
        Time.Advance(TimeSpan.FromMinutes(5));
        await Engine.SubmitAsync(Users.Clerk, "US-001", "Please.");
        Time.Advance(TimeSpan.FromMinutes(5));
        await Engine.ApproveAsync(Users.Ann, "US-001-P1", "Fine.");

        var history = await Engine.GetHistoryAsync("US-001");

        Assert.Equal(
            [
                (HistoryAction.Proposed, "clerk", TestClock.Start, (string?)null),
                (HistoryAction.Submitted, "clerk", TestClock.Start.AddMinutes(5), "Please."),
                (HistoryAction.Approved, "ann", TestClock.Start.AddMinutes(10), "Fine."),
                (HistoryAction.StepCompleted, "system", TestClock.Start.AddMinutes(10), null),
                (HistoryAction.Applied, "system", TestClock.Start.AddMinutes(10), null),
            ],
            history.Select(h => (h.Action, h.ActorId, h.At, h.Comment)));
        Assert.Equal([1, 2, 3, 4, 5], history.Select(h => h.Sequence));
    }

    [Fact]
    public async Task Approve_WithAStaleVersion_IsRefused_AndNothingChanges()
    {
        var shown = await SubmittedProposalAsync();
        await Engine.DelegateAsync(Users.Ann, shown.Id, "zed");
        var before = await StoredProposalAsync(shown.Id);

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.ApproveAsync(Users.Bob, shown.Id, null, shown.Version));

        Assert.Equal(Refusal.StaleVersion, refusal.Refusal);
        var after = await StoredProposalAsync(shown.Id);
        Assert.Equal(ProposalStatus.PendingApproval, after.Status);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.HistoryCount, after.HistoryCount);
        Assert.Equal("1000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task Approve_WithTheCurrentVersion_Approves()
    {
        var shown = await SubmittedProposalAsync();

        var result = await Engine.ApproveAsync(Users.Bob, shown.Id, null, shown.Version);

        Assert.Equal(ProposalStatus.Applied, result.Proposal.Status);
    }

    [Fact]
    public async Task Approve_OfAnAppliedProposal_IsRefusedLikeAnyIllegalTransition()
    {
        var proposal = await SubmittedProposalAsync();
        await Engine.ApproveAsync(Users.Ann, proposal.Id);

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.ApproveAsync(Users.Bob, proposal.Id));

        Assert.Equal(Refusal.IllegalTransition, refusal.Refusal);
        Assert.StartsWith("You can't approve proposal US-001-P1: it is applied.", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_RepeatedByWhoAppliedIt_SaysTheirApprovalIsRecorded()
    {
        var proposal = await SubmittedProposalAsync();
        await Engine.ApproveAsync(Users.Ann, proposal.Id);

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.ApproveAsync(Users.Ann, proposal.Id));
        var reject = await Assert.ThrowsAsync<WorkflowException>(() => Engine.RejectAsync(Users.Ann, proposal.Id, "no"));

        Assert.Equal("You approved proposal US-001-P1 already; it is applied. Nothing more to do.", refusal.Message);
        Assert.StartsWith("You can't reject proposal US-001-P1: it is applied.", reject.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("US-001-P7")]
    [InlineData("US-404-P1")]
    [InlineData("not a proposal")]
    public async Task Approve_OfAnUnknownProposal_IsRefused(string proposalId)
    {
        await SubmittedProposalAsync();

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.ApproveAsync(Users.Ann, proposalId));

        Assert.Equal(Refusal.UnknownProposal, refusal.Refusal);
    }

    [Fact]
    public async Task Approve_BySubmitter_IsRefusedBySegregationOfDuties()
    {
        var clerkApprover = new Actor("sam", "Sam Both", Roles.Clerk | Roles.Approver);
        await GivenSettingsAsync(A.Settings().WithSteps(A.Step("Finance", "sam", "ann")));
        await SetAsync(clerkApprover, "US-001", (FieldCatalog.CreditLimit, "5000"));
        await Engine.SubmitAsync(clerkApprover, "US-001");

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.ApproveAsync(clerkApprover, "US-001-P1"));

        Assert.Equal(Refusal.SegregationOfDuties, refusal.Refusal);
        Assert.Equal("1000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
        Assert.Empty(await Engine.GetInboxAsync(clerkApprover));
    }

    [Fact]
    public async Task Reject_ClosesTheProposal_AndLeavesTheCustomer()
    {
        var proposal = await SubmittedProposalAsync();

        await Engine.RejectAsync(Users.Ann, proposal.Id, "Credit check failed.");

        var record = await RecordAsync();
        Assert.Null(record.OpenProposal);
        Assert.Equal("1000.00", record.Customer[FieldCatalog.CreditLimit]);
        var stored = await StoredProposalAsync(proposal.Id);
        Assert.Equal((ProposalStatus.Rejected, "Credit check failed."), (stored.Status, stored.DecisionComment));
    }

    [Fact]
    public async Task Resubmit_AfterAChangeRequest_RunsUnderTheOriginalWorkflow_EvenIfTheStepsChanged()
    {
        await GivenSettingsAsync(A.Settings().WithSteps(A.Step("Manager", "ann"), A.Step("Finance", "cat")));
        var proposal = await SubmittedProposalAsync();
        await Engine.ApproveAsync(Users.Ann, proposal.Id);
        await Engine.RequestChangeAsync(Users.Cat, proposal.Id, "Make it 4000.");
        await Engine.SetApprovalStepsAsync(Users.Admin, [A.Step("Board", CompletionPolicy.AllApprovers, "dan", "eve")]);

        await SetAsync((FieldCatalog.CreditLimit, "4000"));
        var result = await Engine.SubmitAsync(Users.Clerk, "US-001");

        Assert.Equal(ProposalStatus.PendingApproval, result.Proposal.Status);
        Assert.Equal(["Manager", "Finance"], result.Proposal.Steps.Select(s => s.Name));
        Assert.Equal(0, result.Proposal.CurrentStep);
        Assert.Single(await Engine.GetInboxAsync(Users.Ann));
        Assert.Empty(await Engine.GetInboxAsync(Users.Dan));

        await Engine.ApproveAsync(Users.Ann, proposal.Id);
        await Engine.ApproveAsync(Users.Cat, proposal.Id);
        Assert.Equal("4000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task RequestChange_WithoutComment_IsRefused()
    {
        var proposal = await SubmittedProposalAsync();

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.RequestChangeAsync(Users.Ann, proposal.Id, " "));

        Assert.Equal(Refusal.CommentRequired, refusal.Refusal);
        Assert.Equal(ProposalStatus.PendingApproval, (await StoredProposalAsync(proposal.Id)).Status);
    }

    [Fact]
    public async Task Recall_ByTheSubmitter_MakesItEditable()
    {
        await SubmittedProposalAsync();

        await Engine.RecallAsync(Users.Clerk, "US-001", "Wrong amount.");
        await SetAsync((FieldCatalog.CreditLimit, "3000"));

        var proposal = (await RecordAsync()).OpenProposal!;
        Assert.Equal(ProposalStatus.NotSubmitted, proposal.Status);
        Assert.Equal("3000.00", proposal.LineFor(FieldCatalog.CreditLimit)?.ProposedValue);
        Assert.Empty(await Engine.GetInboxAsync(Users.Ann));
    }

    [Fact]
    public async Task Recall_ByAnotherClerk_IsRefused_AndByAnAdmin_IsAllowed()
    {
        await SubmittedProposalAsync();

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.RecallAsync(Users.OtherClerk, "US-001"));
        Assert.Equal(Refusal.NotAllowed, refusal.Refusal);
        Assert.Equal(ProposalStatus.PendingApproval, (await RecordAsync()).OpenProposal?.Status);

        await Engine.RecallAsync(Users.Admin, "US-001");
        Assert.Equal(ProposalStatus.NotSubmitted, (await RecordAsync()).OpenProposal?.Status);
    }

    [Fact]
    public async Task Delegate_MovesTheProposalToTheDelegatesInbox()
    {
        var proposal = await SubmittedProposalAsync();

        await Engine.DelegateAsync(Users.Ann, proposal.Id, "zed", "Away this week.");

        Assert.Single(await Engine.GetInboxAsync(Users.Zed));
        Assert.Empty(await Engine.GetInboxAsync(Users.Ann));
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => Engine.ApproveAsync(Users.Ann, proposal.Id));
        Assert.Equal(Refusal.NotYourTurn, refusal.Refusal);
        await Engine.ApproveAsync(Users.Zed, proposal.Id);
        Assert.Equal("5000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }
}
