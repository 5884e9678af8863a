using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Engine;

/// <summary>A clerk sets fields: approval-enabled ones become proposed changes, the rest apply at once.</summary>
public sealed class SetFieldsTests : EngineTestBase
{
    [Fact]
    public async Task Set_OfAnApprovalField_RecordsAProposedChange_AndLeavesTheCustomer()
    {
        var result = await SetAsync((FieldCatalog.CreditLimit, "5000"));

        var change = Assert.Single(result.Changes);
        Assert.Equal(new FieldChange(FieldCatalog.CreditLimit, FieldChangeKind.Proposed, "1000.00", "5000.00"), change);
        var record = await RecordAsync();
        Assert.Equal("1000.00", record.Customer[FieldCatalog.CreditLimit]);
        var proposal = Assert.IsType<Proposal>(record.OpenProposal);
        Assert.Equal("US-001-P1", proposal.Id);
        Assert.Equal(ProposalStatus.NotSubmitted, proposal.Status);
        var line = Assert.Single(proposal.Lines);
        Assert.Equal((FieldCatalog.CreditLimit, "1000.00", "5000.00", Users.Clerk.Id, TestClock.Start),
            (line.Field, line.OriginalValue, line.ProposedValue, line.ProposedBy, line.ProposedAt));
    }

    [Fact]
    public async Task Set_OfAFieldWithoutApproval_AppliesAtOnce()
    {
        var result = await SetAsync((FieldCatalog.City, "Boston"));

        Assert.Equal(FieldChangeKind.Applied, Assert.Single(result.Changes).Kind);
        var record = await RecordAsync();
        Assert.Equal("Boston", record.Customer[FieldCatalog.City]);
        Assert.Null(record.OpenProposal);
    }

    [Fact]
    public async Task Set_OfBothKinds_AppliesOneAndProposesTheOther()
    {
        await SetAsync((FieldCatalog.City, "Boston"), (FieldCatalog.PaymentTerms, "net60"));

        var record = await RecordAsync();
        Assert.Equal("Boston", record.Customer[FieldCatalog.City]);
        Assert.Equal("Net30", record.Customer[FieldCatalog.PaymentTerms]);
        Assert.Equal("Net60", record.OpenProposal?.LineFor(FieldCatalog.PaymentTerms)?.ProposedValue);
    }

    [Fact]
    public async Task Set_WhenApprovalsAreOff_AppliesEverything()
    {
        await GivenSettingsAsync(A.Settings().ApprovalsOff());

        var result = await SetAsync((FieldCatalog.CreditLimit, "5000"), (FieldCatalog.PaymentTerms, "Net60"));

        Assert.All(result.Changes, c => Assert.Equal(FieldChangeKind.Applied, c.Kind));
        var record = await RecordAsync();
        Assert.Equal("5000.00", record.Customer[FieldCatalog.CreditLimit]);
        Assert.Equal("Net60", record.Customer[FieldCatalog.PaymentTerms]);
        Assert.Null(record.OpenProposal);
    }

    [Fact]
    public async Task Set_AgainForTheSameField_ReplacesTheLine()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"));

        await SetAsync((FieldCatalog.CreditLimit, "7000"));

        var line = Assert.Single((await RecordAsync()).OpenProposal!.Lines);
        Assert.Equal(("1000.00", "7000.00"), (line.OriginalValue, line.ProposedValue));
    }

    [Fact]
    public async Task Set_BackToTheOriginal_RemovesTheLine()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"), (FieldCatalog.PaymentTerms, "Net60"));

        var result = await SetAsync((FieldCatalog.CreditLimit, "1000.0"));

        Assert.Equal(FieldChangeKind.ProposalRemoved, Assert.Single(result.Changes).Kind);
        var proposal = (await RecordAsync()).OpenProposal!;
        Assert.Null(proposal.LineFor(FieldCatalog.CreditLimit));
        Assert.NotNull(proposal.LineFor(FieldCatalog.PaymentTerms));
    }

    [Fact]
    public async Task Set_OfTheLastLineBackToTheOriginal_DiscardsTheProposal()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"));

        var result = await SetAsync((FieldCatalog.CreditLimit, "1000"));

        Assert.Null(result.Proposal);
        Assert.Null((await RecordAsync()).OpenProposal);
        Assert.Equal(ProposalStatus.Discarded, (await StoredProposalAsync("US-001-P1")).Status);
    }

    [Fact]
    public async Task Set_ToTheCurrentValue_ChangesNothing()
    {
        var before = await RecordAsync();

        var result = await SetAsync((FieldCatalog.CreditLimit, "1000"), (FieldCatalog.City, " Redmond "));

        Assert.All(result.Changes, c => Assert.Equal(FieldChangeKind.Unchanged, c.Kind));
        var after = await RecordAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Null(after.OpenProposal);
    }

    [Theory]
    [InlineData("CreditLimit", "-5", Refusal.InvalidValue)]
    [InlineData("Colour", "red", Refusal.UnknownField)]
    [InlineData("City", "Seattle", Refusal.InvalidValue)]
    public async Task Set_WithOneBadField_RefusesTheWholeCommand_AndChangesNothing(string badField, string badValue, Refusal expected)
    {
        var before = await RecordAsync();

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() =>
            SetAsync((FieldCatalog.City, "Boston"), (FieldCatalog.PaymentTerms, "Net60"), (badField, badValue)));

        Assert.Equal(expected, refusal.Refusal);
        var after = await RecordAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal("Redmond", after.Customer[FieldCatalog.City]);
        Assert.Null(after.OpenProposal);
    }

    [Fact]
    public async Task Set_OfAnApprovalField_WhilePending_IsRefusedWithRecallItFirst()
    {
        await SubmittedProposalAsync();
        var before = await RecordAsync();

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => SetAsync((FieldCatalog.City, "Boston"), (FieldCatalog.CreditLimit, "9000")));

        Assert.Equal(Refusal.IllegalTransition, refusal.Refusal);
        Assert.Equal("You can't change proposal US-001-P1: it is pending approval. Recall it first.", refusal.Message);
        Assert.Equal(before.Version, (await RecordAsync()).Version);
    }

    [Fact]
    public async Task Set_ForAnUnknownCustomer_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => SetAsync(Users.Clerk, "US-999", (FieldCatalog.City, "Boston")));

        Assert.Equal(Refusal.UnknownCustomer, refusal.Refusal);
        Assert.Equal("There is no customer US-999.", refusal.Message);
    }

    [Fact]
    public async Task Set_ByAnApproverWhoIsNoClerk_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => SetAsync(Users.Ann, "US-001", (FieldCatalog.City, "Boston")));

        Assert.Equal(Refusal.NotAllowed, refusal.Refusal);
        Assert.Equal("Redmond", (await CustomerAsync())[FieldCatalog.City]);
    }

    [Fact]
    public async Task Set_OfOneFieldTwice_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => SetAsync((FieldCatalog.City, "Boston"), ("city", "Austin")));

        Assert.Equal(Refusal.InvalidValue, refusal.Refusal);
        Assert.Equal("Redmond", (await CustomerAsync())[FieldCatalog.City]);
    }

    [Fact]
    public async Task Set_AfterAClosedProposal_StartsTheNextNumber()
    {
        await SetAsync((FieldCatalog.CreditLimit, "5000"));
        await Engine.DiscardAsync(Users.Clerk, "US-001");

        var result = await SetAsync((FieldCatalog.CreditLimit, "6000"));

        Assert.Equal("US-001-P2", result.Proposal?.Id);
    }
}
