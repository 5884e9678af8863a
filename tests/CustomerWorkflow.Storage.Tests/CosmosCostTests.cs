using System.Globalization;
using System.Text;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Testing;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.Workflows;
using CustomerWorkflow.Storage.Cosmos;
using Xunit.Abstractions;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// The round trips each use case costs on Cosmos DB, counted by the store, against the budget the design states
/// (DESIGN.md next to the adapter). A change that adds a round trip to a hot path fails here.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosCostTests(CosmosAccount account, ITestOutputHelper output)
{
    [Fact]
    public async Task Each_use_case_stays_within_its_round_trip_budget()
    {
        using var store = await account.OpenStoreAsync(CosmosAccount.NewContainerName());
        await store.CommitAsync([new RecordWrite(TestData.Customer("US-001"), null, 0, 0), new RecordWrite(TestData.Customer("US-002"), null, 0, 0)]);
        await store.SaveSettingsAsync(TestData.Settings(), 0, []);
        // As the bot wires it: with workflows, so a submit also reads the enabled ones.
        var engine = new ProposalEngine(store, TimeProvider.System, new WorkflowRouter(store, WorkflowCatalog.BuiltIn, new StoredApproverDirectory(store)));
        var table = new StringBuilder("| use case | round trips | budget |\n|---|---|---|\n");

        async Task Measure(string useCase, int budget, Func<Task> action)
        {
            var before = store.RoundTrips;
            await action();
            var used = store.RoundTrips - before;
            table.Append(CultureInfo.InvariantCulture, $"| {useCase} | {used} | {budget} |\n");
            Assert.True(used <= budget, $"{useCase}: {used} round trips, budget {budget}");
        }

        await Measure("customer view (customer + open proposal)", 2, () => engine.GetCustomerAsync("US-001"));
        await Measure("set a free field", 3, () => engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("City", "Delft")]));
        await Measure("set an approval field (starts a proposal)", 4, () => engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]));
        // Submit: settings, unit, the enabled workflows (none here), one awaiting pointer per approver of the first step (two here), the unit.
        await Measure("submit (two approvers)", 6, () => engine.SubmitAsync(TestData.Clerk, "US-001"));
        // The inbox: one query of the approver's partition, one point read per proposal in it.
        var pendingUnit = await DocumentSizeAsync(store, "c|US-001", "unit");
        await Measure("inbox (one proposal waiting)", 2, () => engine.GetInboxAsync(TestData.Approver));
        // Approve: unit, the unit, the closed proposal's own document, the awaiting pointers of both approvers removed.
        await Measure("approve → applied (two approvers)", 5, () => engine.ApproveAsync(TestData.Approver, "US-001-P1"));
        // The first write after a close checks that the closed proposal has its own document before the unit lets go of it.
        await Measure("set a free field, first after a close", 4, () => engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("City", "Gouda")]));
        await Measure("history of a customer", 3, () => engine.GetHistoryAsync("US-001"));
        // My proposals: one query of the user's partition; per proposal the unit, and for a closed one its own document.
        await Measure("my proposals (one, closed)", 3, () => engine.ListMineAsync(TestData.Clerk));
        // Find: one query per index bucket (8), then each match read and checked (two match).
        await Measure("find a customer (8 index buckets, 2 matches)", 10, () => engine.FindCustomersAsync("contoso"));

        // Under a workflow: as above with one approver, plus the pointer from the workflow's partition to the proposal.
        var manager = new WorkflowManager(store, WorkflowCatalog.BuiltIn, TimeProvider.System);
        await manager.CreateFromTemplateAsync(TestData.Admin, "single", WorkflowTemplates.SingleApprover, [new(SingleApproverTemplate.Approver, TestData.Approver.Id)]);
        await manager.EnableAsync(TestData.Admin, "SINGLE");
        await engine.SetFieldsAsync(TestData.Clerk, "US-002", [new("CreditLimit", "7000")]);
        await Measure("submit under a workflow (one approver)", 6, () => engine.SubmitAsync(TestData.Clerk, "US-002"));

        var closed = await DocumentSizeAsync(store, "c|US-001", "p|US-001-P1");
        var settled = await DocumentSizeAsync(store, "c|US-001", "unit");
        output.WriteLine(table.ToString());
        output.WriteLine($"unit with a pending proposal: {pendingUnit} bytes; closed proposal: {closed} bytes; unit without: {settled} bytes");
        // Request charges grow with document size: the design's RU figures assume these stay small.
        Assert.InRange(pendingUnit, 500, 4096);
        Assert.InRange(closed, 500, 4096);
    }

    [Fact]
    public async Task The_scheduler_stays_within_its_round_trip_budget()
    {
        using var store = await account.OpenStoreAsync(CosmosAccount.NewContainerName());
        await store.CommitAsync([new RecordWrite(TestData.Customer("US-001"), null, 0, 0), new RecordWrite(TestData.Customer("US-002"), null, 0, 0)]);
        await store.SaveSettingsAsync(TestData.Settings() with
        {
            Steps = [new ApprovalStepDefinition("Finance", [TestData.Approver.Id], CompletionPolicy.SingleApprover, TimeSpan.FromDays(2), OverdueAction.Remind)],
        }, 0, []);
        var time = new ManualTime(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
        var engine = new ProposalEngine(store, time);
        var processor = new DueWorkProcessor(store, store, engine, time);
        var table = new StringBuilder("| use case | round trips | budget |\n|---|---|---|\n");

        async Task Measure(string useCase, int budget, Func<Task> action)
        {
            var before = store.RoundTrips;
            await action();
            var used = store.RoundTrips - before;
            table.Append(CultureInfo.InvariantCulture, $"| {useCase} | {used} | {budget} |\n");
            Assert.True(used <= budget, $"{useCase}: {used} round trips, budget {budget}");
        }

        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SetFieldsAsync(TestData.Clerk, "US-002", [new("CreditLimit", "5000")]);
        // Submit with an overdue action: settings, unit, the awaiting pointer, the due item, the unit; the first due item
        // of a process also reads the cursor (and here creates it: the store is empty).
        await Measure("submit, one approver, overdue action (first of the process)", 7, () => engine.SubmitAsync(TestData.Clerk, "US-001"));
        await Measure("submit, one approver, overdue action", 5, () => engine.SubmitAsync(TestData.Clerk, "US-002"));
        // The cursor is at the first due item's hour, ahead of now: nothing to scan.
        await Measure("scheduler pass, nothing due", 1, () => processor.RunOnceAsync(new NoDelivery()));
        time.Advance(TimeSpan.FromDays(2));
        // Cursor, one query per hour bucket up to now (one here), a claim per item; per item: the unit read, the re-armed
        // due item, the unit written, the item completed.
        await Measure("scheduler pass, two reminders", 12, () => processor.RunOnceAsync(new NoDelivery()));
        output.WriteLine(table.ToString());
    }

    private sealed class NoDelivery : IDueWorkHandler
    {
        public Task OverdueAsync(OverdueOutcome outcome, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DigestAsync(DailyDigest digest, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private async Task<long> DocumentSizeAsync(CosmosWorkflowStore store, string pk, string id)
    {
        var container = account.NewClient().GetContainer(account.Database, store.ContainerName);
        using var response = await container.ReadItemStreamAsync(id, new Microsoft.Azure.Cosmos.PartitionKey(pk));
        Assert.True(response.IsSuccessStatusCode, $"{pk}/{id}: {response.StatusCode}");
        using var buffer = new MemoryStream();
        await response.Content.CopyToAsync(buffer);
        return buffer.Length;
    }
}
