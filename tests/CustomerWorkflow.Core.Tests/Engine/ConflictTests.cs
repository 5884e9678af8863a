using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Engine;

/// <summary>
/// A proposal is applied only if the customer still holds the original values it was proposed against;
/// otherwise it goes to conflict and the customer is not overwritten.
/// </summary>
public sealed class ConflictTests : EngineTestBase
{
    [Fact]
    public async Task Apply_AfterAnAllowImportChangedTheField_GoesToConflict_AndKeepsTheImportedValue()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Allow));
        var proposal = await SubmittedProposalAsync();
        var import = await ImportCsvAsync("CustomerId,CreditLimit\nUS-001,2500\n");
        Assert.Equal(1, import.Applied);

        var result = await Engine.ApproveAsync(Users.Ann, proposal.Id);

        Assert.Equal(ProposalStatus.Conflict, result.Proposal.Status);
        Assert.Equal([FieldCatalog.CreditLimit], result.Proposal.ConflictFields);
        var record = await RecordAsync();
        Assert.Equal("2500.00", record.Customer[FieldCatalog.CreditLimit]);
        Assert.Null(record.OpenProposal);
        var stored = await StoredProposalAsync(proposal.Id);
        Assert.Equal(ProposalStatus.Conflict, stored.Status);
        var conflict = (await Engine.GetHistoryAsync("US-001"))[^1];
        Assert.Equal(HistoryAction.Conflict, conflict.Action);
        Assert.Contains("CreditLimit is now '2500.00'", conflict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_AfterTheFieldWasSetWithApprovalsOff_GoesToConflict()
    {
        var proposal = await SubmittedProposalAsync();
        await Engine.SetApprovalsEnabledAsync(Users.Admin, false);
        await SetAsync((FieldCatalog.CreditLimit, "2000"));

        var result = await Engine.ApproveAsync(Users.Bob, proposal.Id);

        Assert.Equal(ProposalStatus.Conflict, result.Proposal.Status);
        Assert.Equal("2000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task Apply_WhenOnlyOtherFieldsChanged_Applies()
    {
        var proposal = await SubmittedProposalAsync();
        await SetAsync((FieldCatalog.City, "Boston"));

        var result = await Engine.ApproveAsync(Users.Ann, proposal.Id);

        Assert.Equal(ProposalStatus.Applied, result.Proposal.Status);
        var customer = await CustomerAsync();
        Assert.Equal(("5000.00", "Boston"), (customer[FieldCatalog.CreditLimit], customer[FieldCatalog.City]));
    }

    [Fact]
    public async Task Apply_WhenTheFieldWasChangedAndChangedBack_Applies()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Allow));
        var proposal = await SubmittedProposalAsync();
        await ImportCsvAsync("CustomerId,CreditLimit\nUS-001,2500\n");
        await ImportCsvAsync("CustomerId,CreditLimit\nUS-001,1000\n");

        var result = await Engine.ApproveAsync(Users.Ann, proposal.Id);

        Assert.Equal(ProposalStatus.Applied, result.Proposal.Status);
        Assert.Equal("5000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task AfterAConflict_ANewProposalCanBeStarted()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Allow));
        var proposal = await SubmittedProposalAsync();
        await ImportCsvAsync("CustomerId,CreditLimit\nUS-001,2500\n");
        await Engine.ApproveAsync(Users.Ann, proposal.Id);

        var next = await SetAsync((FieldCatalog.CreditLimit, "5000"));

        Assert.Equal("US-001-P2", next.Proposal?.Id);
        Assert.Equal("2500.00", next.Proposal?.LineFor(FieldCatalog.CreditLimit)?.OriginalValue);
    }
}
