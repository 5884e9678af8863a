using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// The contract every storage adapter passes: atomic, version-checked writes; proposals and history round-trip;
/// the per-user lists; settings with their change records; and races between two writers on one store.
/// An adapter's test class derives from this and says how to open its store.
/// </summary>
public abstract class WorkflowStoreContract : StoreContract<IWorkflowStore>
{

    protected ProposalEngine Engine(IWorkflowStore? store = null) => new(store ?? Store, TimeProvider.System);

    protected async Task SeedAsync(params string[] ids)
    {
        await Store.CommitAsync(ids.Select(id => new RecordWrite(TestData.Customer(id), null, 0, 0)).ToList());
        if (await Store.GetSettingsAsync() is null)
        {
            await Store.SaveSettingsAsync(TestData.Settings(), 0, []);
        }
    }

    [Fact]
    public async Task Initialize_RunTwice_KeepsData()
    {
        await SeedAsync("US-001");

        await Store.InitializeAsync();

        Assert.NotNull(await Store.GetAsync("US-001"));
    }

    [Fact]
    public async Task Create_ThenGet_ReturnsCustomerAtVersionOne()
    {
        await SeedAsync("US-001");

        var record = await Store.GetAsync("US-001");

        Assert.NotNull(record);
        Assert.Equal("Contoso Retail", record.Customer.Name);
        Assert.Equal("1000.00", record.Customer[FieldCatalog.CreditLimit]);
        Assert.Null(record.OpenProposal);
        Assert.Equal(0, record.ProposalSequence);
        Assert.Equal(1, record.Version);
    }

    [Fact]
    public async Task Get_UnknownCustomer_ReturnsNull() => Assert.Null(await Store.GetAsync("XX-404"));

    [Fact]
    public async Task Create_WhenCustomerExists_IsAConcurrencyConflict()
    {
        await SeedAsync("US-001");

        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            Store.CommitAsync([new RecordWrite(TestData.Customer("US-001", "Other name"), null, 0, 0)]));

        Assert.Equal("Contoso Retail", (await Store.GetAsync("US-001"))!.Customer.Name);
    }

    [Fact]
    public async Task Commit_WithStaleVersion_IsRefusedAndChangesNothing()
    {
        await SeedAsync("US-001");
        var record = (await Store.GetAsync("US-001"))!;
        await Store.CommitAsync([new RecordWrite(record.Customer.With(FieldCatalog.City, "Delft"), null, 0, record.Version)]);

        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            Store.CommitAsync([new RecordWrite(record.Customer.With(FieldCatalog.City, "Gouda"), null, 0, record.Version)]));

        var after = (await Store.GetAsync("US-001"))!;
        Assert.Equal("Delft", after.Customer[FieldCatalog.City]);
        Assert.Equal(record.Version + 1, after.Version);
    }

    [Fact]
    public async Task Commit_OfSeveralUnits_IsAllOrNothing()
    {
        await SeedAsync("US-001", "US-002");
        var first = (await Store.GetAsync("US-001"))!;
        var second = (await Store.GetAsync("US-002"))!;

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(
        [
            new RecordWrite(first.Customer.With(FieldCatalog.City, "Delft"), null, 0, first.Version),
            new RecordWrite(second.Customer.With(FieldCatalog.City, "Gouda"), null, 0, second.Version + 7),
        ]));

        Assert.Equal("Utrecht", (await Store.GetAsync("US-001"))!.Customer[FieldCatalog.City]);
        Assert.Equal("Utrecht", (await Store.GetAsync("US-002"))!.Customer[FieldCatalog.City]);
    }

    [Fact]
    public async Task GetMany_ReturnsTheExistingOnes()
    {
        await SeedAsync("US-001", "US-002", "US-003");

        var records = await Store.GetManyAsync(["US-001", "US-003", "XX-404"]);

        Assert.Equal(["US-001", "US-003"], records.Keys.Order().ToArray());
    }

    [Fact]
    public async Task OpenProposal_RoundTripsWithLinesStepsAndVersion()
    {
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000"), new("PaymentTerms", "net60"), new("City", "Delft")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001", "Bigger orders coming");

        var record = (await Store.GetAsync("US-001"))!;

        var proposal = record.OpenProposal;
        Assert.NotNull(proposal);
        Assert.Equal("US-001-P1", proposal.Id);
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
        Assert.Equal(1, record.ProposalSequence);
        Assert.Equal(["CreditLimit", "PaymentTerms"], proposal.Lines.Select(l => l.Field).Order().ToArray());
        Assert.Equal("1000.00", proposal.LineFor("CreditLimit")!.OriginalValue);
        Assert.Equal("5000.00", proposal.LineFor("CreditLimit")!.ProposedValue);
        Assert.Equal("Net60", proposal.LineFor("PaymentTerms")!.ProposedValue);
        Assert.Equal("Bigger orders coming", proposal.SubmitComment);
        Assert.Equal(TestData.Clerk.Id, proposal.SubmittedBy);
        Assert.Equal([TestData.Approver.Id, TestData.Approver2.Id], proposal.Steps.Single().Approvers.Select(a => a.UserId).ToArray());
        Assert.Equal(CompletionKind.SingleApprover, proposal.Steps.Single().Policy.Kind);
        Assert.Single(proposal.Workflow);
        Assert.Empty(proposal.NewHistory);
        Assert.True(proposal.Version >= 3);
        Assert.Equal("Delft", record.Customer[FieldCatalog.City]);
        Assert.Equal("1000.00", record.Customer[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task ClosedProposal_LeavesTheCustomerWithoutOpenProposal_AndStaysReadable()
    {
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");
        await engine.ApproveAsync(TestData.Approver, "US-001-P1");
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "7000")]);

        var record = (await Store.GetAsync("US-001"))!;
        var first = await Store.GetProposalAsync("US-001-P1");
        var all = await Store.ListProposalsAsync("US-001");

        Assert.Equal("5000.00", record.Customer[FieldCatalog.CreditLimit]);
        Assert.Equal("US-001-P2", record.OpenProposal!.Id);
        Assert.Equal(ProposalStatus.Applied, first!.Status);
        Assert.Equal(["US-001-P2", "US-001-P1"], all.Select(p => p.Id).ToArray());
    }

    [Fact]
    public async Task History_IsAppendedInOrder_AndListedPerCustomer()
    {
        await SeedAsync("US-001", "US-002");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001", "please");
        await engine.RejectAsync(TestData.Approver, "US-001-P1", "too high");
        await engine.SetFieldsAsync(TestData.Clerk, "US-002", [new("CreditLimit", "10")]);

        var history = await Store.ListHistoryAsync("US-001");

        Assert.Equal(
            [HistoryAction.Proposed, HistoryAction.Submitted, HistoryAction.Rejected, HistoryAction.StepCompleted],
            history.Select(h => h.Action).ToArray());
        Assert.Equal([1, 2, 3, 4], history.Select(h => h.Sequence).ToArray());
        Assert.All(history, h => Assert.Equal("US-001-P1", h.ProposalId));
        Assert.Equal("please", history[1].Comment);
        Assert.Equal("too high", history[2].Comment);
        Assert.Equal(TestData.Approver.Id, history[2].ActorId);
        Assert.Equal(1, history[2].Step);
    }

    [Fact]
    public async Task Awaiting_ListsProposalsWhereTheUserIsDue_CaseInsensitively()
    {
        await SeedAsync("US-001", "US-002");
        var engine = Engine();
        foreach (var id in new[] { "US-001", "US-002" })
        {
            await engine.SetFieldsAsync(TestData.Clerk, id, [new("CreditLimit", "5000")]);
            await engine.SubmitAsync(TestData.Clerk, id);
        }

        Assert.Equal(["US-001-P1", "US-002-P1"], (await Store.ListAwaitingAsync("APPROVER-2")).Select(p => p.Id).Order().ToArray());

        await engine.ApproveAsync(TestData.Approver, "US-001-P1");

        Assert.Equal(["US-002-P1"], (await Store.ListAwaitingAsync(TestData.Approver2.Id)).Select(p => p.Id).ToArray());
        Assert.Empty(await Store.ListAwaitingAsync(TestData.Clerk.Id));
    }

    [Fact]
    public async Task ByUser_ListsWhatTheUserCreatedOrSubmitted_NewestFirst()
    {
        await SeedAsync("US-001", "US-002", "US-003");
        var engine = Engine();
        var other = TestData.Clerk with { Id = "clerk-2" };
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SetFieldsAsync(other, "US-002", [new("CreditLimit", "6000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-002");

        var mine = await Store.ListByUserAsync(TestData.Clerk.Id, 10);

        Assert.Equal(["US-001-P1", "US-002-P1"], mine.Select(p => p.Id).Order().ToArray());
        Assert.Single(await Store.ListByUserAsync(TestData.Clerk.Id, 1));
    }

    [Fact]
    public async Task ByUser_KeepsTheProposalForItsCreatorAndEverySubmitter_UntilItIsApplied()
    {
        await SeedAsync("US-001");
        var engine = Engine();
        var other = TestData.Clerk with { Id = "clerk-2" };
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");
        await engine.RecallAsync(TestData.Clerk, "US-001");
        await engine.SubmitAsync(other, "US-001");
        await engine.ApproveAsync(TestData.Approver, "US-001-P1");

        Assert.Equal(["US-001-P1"], (await Store.ListByUserAsync(TestData.Clerk.Id, 10)).Select(p => p.Id).ToArray());
        Assert.Equal(["US-001-P1"], (await Store.ListByUserAsync(other.Id, 10)).Select(p => p.Id).ToArray());
        Assert.Equal(ProposalStatus.Applied, (await Store.ListByUserAsync(other.Id, 10))[0].Status);
    }

    [Fact]
    public async Task Find_MatchesIdOrNameCaseInsensitively_AndTreatsWildcardsLiterally()
    {
        await Store.CommitAsync(
        [
            new RecordWrite(TestData.Customer("US-001", "Contoso Retail"), null, 0, 0),
            new RecordWrite(TestData.Customer("NL-001", "Müller 100% Handel"), null, 0, 0),
            new RecordWrite(TestData.Customer("DE-001", "Fabrikam_Werk"), null, 0, 0),
        ]);

        Assert.Equal(["US-001"], (await Store.FindCustomersAsync("CONTOSO", 10)).Select(c => c.Id).ToArray());
        Assert.Equal(["NL-001"], (await Store.FindCustomersAsync("nl-0", 10)).Select(c => c.Id).ToArray());
        Assert.Equal(["NL-001"], (await Store.FindCustomersAsync("MÜLLER", 10)).Select(c => c.Id).ToArray());
        Assert.Equal(["NL-001"], (await Store.FindCustomersAsync("%", 10)).Select(c => c.Id).ToArray());
        Assert.Equal(["DE-001"], (await Store.FindCustomersAsync("_", 10)).Select(c => c.Id).ToArray());
        Assert.Equal(2, (await Store.FindCustomersAsync("-001", 2)).Count);
        Assert.Equal(3, await Store.CountCustomersAsync());
    }

    [Fact]
    public async Task Settings_RoundTripWithVersionAndChangeRecords()
    {
        Assert.Null(await Store.GetSettingsAsync());
        var settings = TestData.Settings(CompletionPolicy.PercentageOf(60)) with { ImportBehaviour = ImportBehaviour.Reject, PaymentTerms = ["Net30", "Net60"] };
        var change = new SettingsChange(DateTimeOffset.Parse("2026-11-21T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "admin-1", "Adam", "Approvals", "off", "on");

        var version = await Store.SaveSettingsAsync(settings, 0, [change]);
        var stored = (await Store.GetSettingsAsync())!;

        Assert.Equal(1, version);
        Assert.Equal(1, stored.Version);
        Assert.True(stored.Settings.ApprovalsEnabled);
        Assert.Equal(ImportBehaviour.Reject, stored.Settings.ImportBehaviour);
        Assert.True(stored.Settings.RequiresApproval("creditlimit"));
        Assert.Equal(60, stored.Settings.Steps.Single().Policy.Percent);
        Assert.Equal(["Net30", "Net60"], stored.Settings.PaymentTerms);
        Assert.Equal([change], await Store.ListSettingsChangesAsync(10));
    }

    [Fact]
    public async Task Settings_SavedWithStaleVersion_AreRefused()
    {
        await Store.SaveSettingsAsync(TestData.Settings(), 0, []);
        await Store.SaveSettingsAsync(TestData.Settings() with { ApprovalsEnabled = false }, 1, []);

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.SaveSettingsAsync(TestData.Settings(), 1, []));
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.SaveSettingsAsync(TestData.Settings(), 0, []));

        Assert.False((await Store.GetSettingsAsync())!.Settings.ApprovalsEnabled);
    }

    [Fact]
    public async Task TwoWritersWithTheSameVersion_ExactlyOneWins()
    {
        await SeedAsync("US-001");
        var second = Track(await OpenSecondInstanceAsync());
        var record = (await Store.GetAsync("US-001"))!;
        var start = new TaskCompletionSource();

        async Task<bool> Write(IWorkflowStore store, string city)
        {
            await start.Task;
            try
            {
                await store.CommitAsync([new RecordWrite(record.Customer.With(FieldCatalog.City, city), null, 0, record.Version)]);
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        }

        var a = Task.Run(() => Write(Store, "Delft"));
        var b = Task.Run(() => Write(second, "Gouda"));
        start.SetResult();
        var wins = await Task.WhenAll(a, b);

        Assert.Equal(1, wins.Count(w => w));
        var after = (await Store.GetAsync("US-001"))!;
        Assert.Equal(wins[0] ? "Delft" : "Gouda", after.Customer[FieldCatalog.City]);
        Assert.Equal(record.Version + 1, after.Version);
    }

    [Fact]
    public async Task TwoApproversRacingUnderSingleApprover_OneDecisionLands()
    {
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");
        var engines = new[] { engine, Engine(Track(await OpenSecondInstanceAsync())) };
        var approvers = new[] { TestData.Approver, TestData.Approver2 };
        var start = new TaskCompletionSource();

        var attempts = Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await engines[i].ApproveAsync(approvers[i], "US-001-P1");
                return true;
            }
            catch (WorkflowException e) when (e.Refusal == Refusal.IllegalTransition)
            {
                return false;
            }
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r));
        var proposal = (await Store.GetProposalAsync("US-001-P1"))!;
        Assert.Equal(ProposalStatus.Applied, proposal.Status);
        Assert.Single(proposal.Steps.Single().Approvers, a => a.Decision == ApprovalDecision.Approved);
        var history = await Store.ListHistoryAsync("US-001");
        Assert.Single(history, h => h.Action == HistoryAction.Approved);
        Assert.Single(history, h => h.Action == HistoryAction.Applied);
        Assert.Equal("5000.00", (await Store.GetAsync("US-001"))!.Customer[FieldCatalog.CreditLimit]);
    }

    [Fact]
    public async Task TwoInstancesLoadingTheSampleDataAtOnce_LoadItOnce()
    {
        var second = Track(await OpenSecondInstanceAsync());
        var start = new TaskCompletionSource();

        var loads = await Task.WhenAll(new[] { Store, second }.Select(store => Task.Run(async () =>
        {
            await start.Task;
            return await SampleData.SeedAsync(store);
        })).Append(Task.Run(() => { start.SetResult(); return 0; })));

        Assert.Equal(SampleData.Customers.Count, loads.Sum());
        Assert.Equal(SampleData.Customers.Count, await Store.CountCustomersAsync());
        Assert.Equal(SampleData.Customers.Count, await second.CountCustomersAsync());
        Assert.NotNull(await second.GetSettingsAsync());
    }

    [Fact]
    public async Task ManyWritersOnOneCustomer_NothingIsLost()
    {
        await SeedAsync("US-001");
        var engines = new[] { Engine(), Engine(Track(await OpenSecondInstanceAsync())) };
        // Each writer changes a different free field and proposes a different approval field: all must land.
        var changes = new (string Field, string Value)[]
        {
            ("City", "Delft"), ("Street", "Main 1"), ("Phone", "+31 30 123 4567"), ("Email", "a@b.nl"),
            ("PostalCode", "1234 AB"), ("CreditLimit", "5000"), ("PaymentTerms", "Net60"), ("Name", "Contoso B.V."),
        };
        var start = new TaskCompletionSource();

        var writers = changes.Select((c, i) => Task.Run(async () =>
        {
            await start.Task;
            await engines[i % 2].SetFieldsAsync(TestData.Clerk, "US-001", [new(c.Field, c.Value)]);
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(writers);

        var record = (await Store.GetAsync("US-001"))!;
        Assert.Equal("Delft", record.Customer["City"]);
        Assert.Equal("Main 1", record.Customer["Street"]);
        Assert.Equal("+31 30 123 4567", record.Customer["Phone"]);
        Assert.Equal("a@b.nl", record.Customer["Email"]);
        Assert.Equal("1234 AB", record.Customer["PostalCode"]);
        Assert.Equal("Contoso B.V.", record.Customer["Name"]);
        Assert.Equal("1000.00", record.Customer["CreditLimit"]);
        Assert.Equal(["CreditLimit", "PaymentTerms"], record.OpenProposal!.Lines.Select(l => l.Field).Order().ToArray());
        Assert.Equal(1, record.ProposalSequence);
        Assert.Equal(1 + changes.Length, record.Version);
    }
}
