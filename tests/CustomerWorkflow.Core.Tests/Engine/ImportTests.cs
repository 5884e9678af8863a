using System.Text;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Engine;

/// <summary>
/// Bulk imports under the three data entity behaviours (CreditLimit and PaymentTerms need approval), from CSV
/// and JSON files, with rows that fail on their own.
/// </summary>
public sealed class ImportTests : EngineTestBase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await GivenCustomersAsync(A.Customer("US-002").Build(), A.Customer("US-003").Build());
    }

    [Fact]
    public async Task Allow_UpdatesApprovalFieldsDirectly()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Allow));

        var summary = await ImportCsvAsync("CustomerId,CreditLimit,City\nUS-001,5000,Boston\nUS-002,7000,Austin\n");

        Assert.Equal((2, 2, 0, 0), (summary.Rows, summary.Applied, summary.Proposed, summary.Rejected));
        var (first, second) = (await RecordAsync("US-001"), await RecordAsync("US-002"));
        Assert.Equal(("5000.00", "Boston"), (first.Customer[FieldCatalog.CreditLimit], first.Customer[FieldCatalog.City]));
        Assert.Equal(("7000.00", "Austin"), (second.Customer[FieldCatalog.CreditLimit], second.Customer[FieldCatalog.City]));
        Assert.Null(first.OpenProposal);
        Assert.Empty(summary.SubmittedProposals);
    }

    [Fact]
    public async Task Reject_RefusesRowsThatChangeApprovalFields_AndAppliesTheOthers()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Reject));

        var summary = await ImportCsvAsync("""
            CustomerId,CreditLimit,PaymentTerms,City
            US-001,5000,Net60,Boston
            US-002,1000,Net30,Austin
            """);

        Assert.Equal((2, 1, 1), (summary.Rows, summary.Applied, summary.Rejected));
        var rejected = Assert.Single(summary.FirstRejections);
        Assert.Equal((1, "US-001"), (rejected.RowNumber, rejected.CustomerId));
        Assert.Equal("Imports may not change fields that need approval: CreditLimit, PaymentTerms.", rejected.Reason);
        Assert.Equal([FieldCatalog.CreditLimit, FieldCatalog.PaymentTerms], rejected.Fields.Select(f => f.Field));
        // The rejected row is refused whole: its City is not applied either.
        var first = await RecordAsync("US-001");
        Assert.Equal(("1000.00", "Redmond"), (first.Customer[FieldCatalog.CreditLimit], first.Customer[FieldCatalog.City]));
        Assert.Null(first.OpenProposal);
        // An approval field given at its current value is no change, so that row applies.
        Assert.Equal("Austin", (await CustomerAsync("US-002"))[FieldCatalog.City]);
    }

    [Fact]
    public async Task Propose_AppliesOtherFields_AndSubmitsTheApprovalFieldsAsTheImporter()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose));

        var summary = await ImportCsvAsync("CustomerId,CreditLimit,City\nUS-001,5000,Boston\nUS-002,1000,Austin\n");

        Assert.Equal((2, 1, 1, 0), (summary.Rows, summary.Proposed, summary.Applied, summary.Rejected));
        Assert.Equal(["US-001-P1"], summary.SubmittedProposals);
        var record = await RecordAsync("US-001");
        Assert.Equal(("1000.00", "Boston"), (record.Customer[FieldCatalog.CreditLimit], record.Customer[FieldCatalog.City]));
        var proposal = Assert.IsType<Proposal>(record.OpenProposal);
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
        Assert.Equal(Users.Admin.Id, proposal.SubmittedBy);
        Assert.Equal("Submitted by import", proposal.SubmitComment);
        Assert.Equal(("1000.00", "5000.00"), (proposal.Lines[0].OriginalValue, proposal.Lines[0].ProposedValue));
        Assert.Single(await Engine.GetInboxAsync(Users.Ann));
        Assert.Null((await RecordAsync("US-002")).OpenProposal);
    }

    [Fact]
    public async Task Propose_ThenApprove_AppliesTheImportedValue()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose));
        await ImportCsvAsync("CustomerId,CreditLimit\nUS-001,5000\n");

        await Engine.ApproveAsync(Users.Bob, "US-001-P1");

        Assert.Equal("5000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task Propose_ACustomerTouchedTwiceInOneFile_GetsOneProposal()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose));

        var summary = await ImportCsvAsync("CustomerId,CreditLimit,PaymentTerms\nUS-001,5000,Net30\nUS-001,1000,Net60\nUS-001,6000,Net60\n");

        Assert.Equal(["US-001-P1"], summary.SubmittedProposals);
        var proposal = Assert.Single(await Store.ListProposalsAsync("US-001"));
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
        Assert.Equal(
            [(FieldCatalog.CreditLimit, "6000.00"), (FieldCatalog.PaymentTerms, "Net60")],
            proposal.Lines.Select(l => (l.Field, l.ProposedValue)).Order());
    }

    [Fact]
    public async Task Propose_ACustomerTouchedInTwoChunks_GetsOneProposal()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose));
        // Rows are written 500 at a time; the filler rows change nothing.
        var csv = new StringBuilder("CustomerId,CreditLimit,PaymentTerms\nUS-001,5000,Net30\n");
        for (var i = 0; i < 520; i++)
        {
            csv.Append("US-002,1000.00,Net30\n");
        }

        csv.Append("US-001,5000,Net60\n");

        var summary = await ImportCsvAsync(csv.ToString());

        Assert.Equal((522, 520), (summary.Rows, summary.Unchanged));
        Assert.Equal(["US-001-P1"], summary.SubmittedProposals);
        var proposal = Assert.Single(await Store.ListProposalsAsync("US-001"));
        Assert.Equal(2, proposal.Lines.Count);
    }

    [Fact]
    public async Task Propose_WhenTheImporterIsTheOnlyApprover_LeavesTheProposalUnsubmitted_AndSaysWhy()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose).WithSteps(A.Step("Finance", "admin")));

        var summary = await ImportCsvAsync("CustomerId,CreditLimit\nUS-001,5000\n");

        Assert.Empty(summary.SubmittedProposals);
        var problem = Assert.Single(summary.Problems);
        Assert.StartsWith("US-001-P1 was not submitted: Step 'Finance' has no approver other than you", problem, StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.NotSubmitted, (await RecordAsync()).OpenProposal?.Status);
    }

    [Fact]
    public async Task Propose_WhenTheCustomerHasAProposalAlready_RejectsTheRow()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose));
        await SetAsync((FieldCatalog.PaymentTerms, "Net60"));

        var summary = await ImportCsvAsync("CustomerId,CreditLimit,City\nUS-001,5000,Boston\n");

        var rejected = Assert.Single(summary.FirstRejections);
        Assert.Contains("already has a proposal that is not submitted (US-001-P1)", rejected.Reason, StringComparison.Ordinal);
        var record = await RecordAsync();
        Assert.Equal("Redmond", record.Customer[FieldCatalog.City]);
        Assert.Equal([FieldCatalog.PaymentTerms], record.OpenProposal!.Lines.Select(l => l.Field));
        Assert.Empty(summary.SubmittedProposals);
    }

    [Fact]
    public async Task Propose_OfTheCurrentValues_ChangesNothing()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose));
        var before = await RecordAsync();

        var summary = await ImportCsvAsync("CustomerId,CreditLimit,City\nUS-001,1000,Redmond\n");

        Assert.Equal(1, summary.Unchanged);
        Assert.Equal(before.Version, (await RecordAsync()).Version);
        Assert.Empty(await Store.ListProposalsAsync("US-001"));
    }

    [Theory]
    [InlineData(ImportBehaviour.Reject)]
    [InlineData(ImportBehaviour.Propose)]
    public async Task AnyBehaviour_WhenApprovalsAreOff_AppliesLikeAllow(ImportBehaviour behaviour)
    {
        await GivenSettingsAsync(A.Settings().ApprovalsOff().Importing(behaviour));

        var summary = await ImportCsvAsync("CustomerId,CreditLimit\nUS-001,5000\n");

        Assert.Equal(1, summary.Applied);
        Assert.Equal("5000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task FailingRows_AreRejectedWithTheirReason_AndTheRestGoesOn()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Allow));

        var summary = await ImportCsvAsync("""
            CustomerId,Email,CreditLimit
            US-404,a@contoso.com,10
            US-001,not-an-email,10
            ,a@contoso.com,10
            US-002,b@contoso.com,20
            US-003,c@contoso.com,30,surplus
            """);

        Assert.Equal((5, 1, 4), (summary.Rows, summary.Applied, summary.Rejected));
        Assert.Equal([1, 2, 3, 5], summary.FirstRejections.Select(r => r.RowNumber));
        Assert.Equal("There is no customer US-404.", summary.FirstRejections[0].Reason);
        Assert.StartsWith("'not-an-email' is not a valid Email: it must be", summary.FirstRejections[1].Reason, StringComparison.Ordinal);
        Assert.Equal(FieldCatalog.Email, Assert.Single(summary.FirstRejections[1].Fields).Field);
        Assert.Equal("CustomerId is empty.", summary.FirstRejections[2].Reason);
        Assert.Equal("Unknown field '(column 4)'.", summary.FirstRejections[3].Reason);
        Assert.Equal(("b@contoso.com", "20.00"), ((await CustomerAsync("US-002"))[FieldCatalog.Email], (await CustomerAsync("US-002"))[FieldCatalog.CreditLimit]));
        Assert.Equal("ap@contoso.com", (await CustomerAsync("US-001"))[FieldCatalog.Email]);
        Assert.Equal("1000.00", (await CustomerAsync("US-003"))[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task Json_WithAnUnknownField_RejectsThatRowOnly()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose));

        var summary = await ImportJsonAsync("""
            [
              {"CustomerId": "US-001", "CreditLimit": 5000, "City": "Boston"},
              {"CustomerId": "US-002", "Colour": "red", "City": "Austin"},
              {"CustomerId": "US-003", "City": "Denver"},
              "not a row"
            ]
            """);

        Assert.Equal((4, 1, 1, 2), (summary.Rows, summary.Proposed, summary.Applied, summary.Rejected));
        Assert.Equal("Unknown field 'Colour'.", summary.FirstRejections[0].Reason);
        Assert.Equal(["US-001-P1"], summary.SubmittedProposals);
        Assert.Equal("Boston", (await CustomerAsync("US-001"))[FieldCatalog.City]);
        Assert.Equal("Redmond", (await CustomerAsync("US-002"))[FieldCatalog.City]);
        Assert.Equal("Denver", (await CustomerAsync("US-003"))[FieldCatalog.City]);
    }

    [Fact]
    public async Task OnRow_HearsEveryRowInOrder()
    {
        var heard = new List<(int, ImportOutcome)>();

        await ImportCsvAsync("CustomerId,City\nUS-001,Boston\nUS-404,Austin\nUS-002,Redmond\n", onRow: r => heard.Add((r.RowNumber, r.Outcome)));

        Assert.Equal([(1, ImportOutcome.Applied), (2, ImportOutcome.Rejected), (3, ImportOutcome.Unchanged)], heard);
    }

    [Fact]
    public async Task Import_ByAClerk_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() => ImportCsvAsync("CustomerId,City\nUS-001,Boston\n", Users.Clerk));

        Assert.Equal(Refusal.NotAllowed, refusal.Refusal);
        Assert.Equal("Redmond", (await CustomerAsync())[FieldCatalog.City]);
    }

    [Fact]
    public async Task Import_OfAFileThatIsNotUtf8_IsRefusedAndChangesNothing()
    {
        var latin1 = Encoding.Latin1.GetBytes("CustomerId,City\nUS-001,Köln\n");

        var refusal = await Assert.ThrowsAsync<WorkflowException>(() =>
            Engine.ImportAsync(Users.Admin, ImportReaders.ReadCsvAsync(new MemoryStream(latin1))));

        Assert.Contains("not UTF-8", refusal.Message, StringComparison.Ordinal);
        Assert.Equal("Redmond", (await CustomerAsync())[FieldCatalog.City]);
    }

    [Theory]
    [InlineData(ImportBehaviour.Allow)]
    [InlineData(ImportBehaviour.Reject)]
    [InlineData(ImportBehaviour.Propose)]
    public async Task DryRun_ReportsWhatTheImportWouldDo_AndWritesNothing(ImportBehaviour behaviour)
    {
        await GivenSettingsAsync(A.Settings().Importing(behaviour));
        const string csv = "CustomerId,CreditLimit,City\nUS-001,5000,Boston\nUS-002,1000,Austin\nUS-404,1,Nowhere\nUS-001,6000,Boston\n";
        var before = (await RecordAsync("US-001"), await RecordAsync("US-002"));

        var dry = await Engine.ImportAsync(Users.Admin, Rows(csv), new ImportOptions { DryRun = true });

        Assert.True(dry.DryRun);
        Assert.Equal(behaviour, dry.Behaviour);
        Assert.Equal((before.Item1.Version, before.Item2.Version), ((await RecordAsync("US-001")).Version, (await RecordAsync("US-002")).Version));
        Assert.Empty(await Store.ListProposalsAsync("US-001"));

        // The real run on the same file comes to the same rows and the same proposals.
        var real = await ImportCsvAsync(csv);
        Assert.Equal(
            (real.Rows, real.Applied, real.Proposed, real.Rejected, real.Unchanged, string.Join(",", real.SubmittedProposals)),
            (dry.Rows, dry.Applied, dry.Proposed, dry.Rejected, dry.Unchanged, string.Join(",", dry.SubmittedProposals)));
        Assert.Equal(real.FirstRejections.Select(r => (r.RowNumber, r.Reason)), dry.FirstRejections.Select(r => (r.RowNumber, r.Reason)));
    }

    [Fact]
    public async Task DryRun_JudgesLaterChunksOnWhatEarlierChunksWouldHaveChanged()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Allow));
        // Rows are judged 500 at a time; the repeat of US-001 comes in the second chunk, and changes nothing more.
        var csv = new StringBuilder("CustomerId,City\nUS-001,Boston\n");
        for (var i = 0; i < 520; i++)
        {
            csv.Append("US-002,Redmond\n");
        }

        csv.Append("US-001,Boston\n");

        var dry = await Engine.ImportAsync(Users.Admin, Rows(csv.ToString()), new ImportOptions { DryRun = true });

        Assert.Equal((522, 1, 521), (dry.Rows, dry.Applied, dry.Unchanged));
        Assert.Equal("Redmond", (await CustomerAsync())[FieldCatalog.City]);
        var real = await ImportCsvAsync(csv.ToString());
        Assert.Equal((real.Applied, real.Unchanged), (dry.Applied, dry.Unchanged));
    }

    [Fact]
    public async Task DryRun_WhenTheImporterIsTheOnlyApprover_SaysTheProposalWouldNotBeSubmitted()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Propose).WithSteps(A.Step("Finance", "admin")));

        var dry = await Engine.ImportAsync(Users.Admin, Rows("CustomerId,CreditLimit\nUS-001,5000\n"), new ImportOptions { DryRun = true });

        Assert.Empty(dry.SubmittedProposals);
        Assert.StartsWith("US-001-P1 would not be submitted: Step 'Finance' has no approver other than you", Assert.Single(dry.Problems), StringComparison.Ordinal);
        Assert.Null((await RecordAsync()).OpenProposal);
    }

    [Fact]
    public async Task Import_ByAClerk_WhenClerksMayImport_IsJudgedUnderTheBehaviour()
    {
        await GivenSettingsAsync(A.Settings().Importing(ImportBehaviour.Reject));

        var summary = await Engine.ImportAsync(Users.Clerk, Rows("CustomerId,CreditLimit,City\nUS-001,5000,Boston\nUS-002,1000,Austin\n"),
            new ImportOptions { AllowedRoles = Roles.Admin | Roles.Clerk });

        Assert.Equal((1, 1), (summary.Applied, summary.Rejected));
        Assert.Equal("1000.00", (await CustomerAsync())[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task Import_ByAnAdmin_WhenOnlyClerksMayImport_IsRefusedSayingWho()
    {
        var refusal = await Assert.ThrowsAsync<WorkflowException>(() =>
            Engine.ImportAsync(new Actor("admin-only", "Otto Admin", Roles.Admin), Rows("CustomerId,City\nUS-001,Boston\n"), new ImportOptions { AllowedRoles = Roles.Clerk }));

        Assert.Equal("Only clerks can import customer data.", refusal.Message);
        Assert.Equal("Redmond", (await CustomerAsync())[FieldCatalog.City]);
    }

    private static IAsyncEnumerable<ImportRow> Rows(string csv) => ImportReaders.ReadCsvAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)));
}
