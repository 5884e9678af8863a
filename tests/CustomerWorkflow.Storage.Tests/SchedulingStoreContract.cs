using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// The contract of the scheduler's ports on every store: a due item is claimed once it is due and by one instance at a
/// time, a claim that lapses is taken over, only the holding claim completes an item, a step that starts writes its due
/// item with it, and digest entries are kept per person.
/// </summary>
public abstract class SchedulingStoreContract : StoreContract<IWorkflowStore>
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private IDueItemStore Due => (IDueItemStore)Store;

    private static DueItem Overdue(string proposalId, DateTimeOffset at, int step = 0) => new(DueItemKind.Overdue, proposalId, step, at);

    [Fact]
    public async Task An_item_is_claimed_once_it_is_due_and_added_twice_is_kept_once()
    {
        var item = Overdue("US-001-P1", Start.AddHours(2));
        await Due.AddDueItemAsync(item);
        await Due.AddDueItemAsync(item);

        Assert.Empty(await Due.ClaimDueItemsAsync(Start.AddHours(2).AddTicks(-1), Lease, "one", 10));
        var claimed = Assert.Single(await Due.ClaimDueItemsAsync(Start.AddHours(2), Lease, "one", 10));

        Assert.Equal(item, claimed.Item);
        Assert.Equal("one", claimed.Owner);
        Assert.Equal(Start.AddHours(2) + Lease, claimed.LeaseUntil);
        Assert.Empty(await Due.ClaimDueItemsAsync(Start.AddHours(2).AddMinutes(1), Lease, "two", 10));
    }

    [Fact]
    public async Task Items_are_claimed_in_due_order_up_to_the_batch_and_across_hours()
    {
        var items = Enumerable.Range(0, 5).Select(i => Overdue($"US-00{i + 1}-P1", Start.AddMinutes(50 * i))).ToList();
        foreach (var item in items.AsEnumerable().Reverse())
        {
            await Due.AddDueItemAsync(item);
        }

        var first = await Due.ClaimDueItemsAsync(Start.AddHours(5), Lease, "one", 3);
        var rest = await Due.ClaimDueItemsAsync(Start.AddHours(5), Lease, "one", 3);

        Assert.Equal(items.Take(3), first.Select(c => c.Item));
        Assert.Equal(items.Skip(3), rest.Select(c => c.Item));
    }

    [Fact]
    public async Task Two_instances_claiming_at_once_get_each_item_exactly_once()
    {
        var second = (IDueItemStore)Track(await OpenSecondInstanceAsync());
        var items = Enumerable.Range(1, 24).Select(i => Overdue($"US-{i:D3}-P1", Start.AddMinutes(i))).ToList();
        foreach (var item in items)
        {
            await Due.AddDueItemAsync(item);
        }

        var now = Start.AddHours(1);
        async Task<List<ClaimedDueItem>> DrainAsync(IDueItemStore store, string owner)
        {
            var mine = new List<ClaimedDueItem>();
            while (await store.ClaimDueItemsAsync(now, Lease, owner, 5) is { Count: > 0 } batch)
            {
                mine.AddRange(batch);
            }

            return mine;
        }

        var both = await Task.WhenAll(DrainAsync(Due, "one"), DrainAsync(second, "two"));

        var all = both.SelectMany(b => b).Select(c => c.Item.Id).ToList();
        Assert.Equal(items.Select(i => i.Id).Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task An_instance_that_dies_holding_an_item_leaves_it_to_another_once_the_lease_runs_out()
    {
        var second = (IDueItemStore)Track(await OpenSecondInstanceAsync());
        var item = Overdue("US-001-P1", Start);
        await Due.AddDueItemAsync(item);
        var dead = Assert.Single(await Due.ClaimDueItemsAsync(Start, Lease, "dies", 10));

        Assert.Empty(await second.ClaimDueItemsAsync(Start + Lease - TimeSpan.FromSeconds(1), Lease, "lives", 10));
        var taken = Assert.Single(await second.ClaimDueItemsAsync(Start + Lease, Lease, "lives", 10));

        Assert.Equal(item, taken.Item);
        Assert.NotEqual(dead.ClaimToken, taken.ClaimToken);
        // The dead instance, should it wake up, can no longer complete it; the one holding it can, once.
        Assert.False(await Due.CompleteDueItemAsync(dead));
        Assert.True(await second.CompleteDueItemAsync(taken));
        Assert.False(await second.CompleteDueItemAsync(taken));
        Assert.Empty(await second.ClaimDueItemsAsync(Start.AddDays(1), Lease, "lives", 10));
    }

    [Fact]
    public async Task Completing_with_a_stale_claim_token_is_refused_and_removes_nothing()
    {
        var item = Overdue("US-001-P1", Start);
        await Due.AddDueItemAsync(item);
        var claimed = Assert.Single(await Due.ClaimDueItemsAsync(Start, Lease, "one", 10));

        Assert.False(await Due.CompleteDueItemAsync(claimed with { ClaimToken = claimed.ClaimToken + "x" }));
        Assert.False(await Due.CompleteDueItemAsync(claimed with { Item = Overdue("US-002-P1", Start) }));

        Assert.True(await Due.CompleteDueItemAsync(claimed));
    }

    [Fact]
    public async Task A_completed_item_is_gone_and_an_uncompleted_one_comes_back_after_its_lease()
    {
        await Due.AddDueItemAsync(Overdue("US-001-P1", Start));
        await Due.AddDueItemAsync(Overdue("US-002-P1", Start));
        var claimed = await Due.ClaimDueItemsAsync(Start, Lease, "one", 10);
        Assert.Equal(2, claimed.Count);

        Assert.True(await Due.CompleteDueItemAsync(claimed[0]));

        var again = Assert.Single(await Due.ClaimDueItemsAsync(Start + Lease, Lease, "one", 10));
        Assert.Equal(claimed[1].Item, again.Item);
    }

    [Fact]
    public async Task A_step_that_starts_with_an_overdue_action_writes_its_due_item_with_it()
    {
        await Store.CommitAsync([new RecordWrite(TestData.Customer("US-001"), null, 0, 0)]);
        var settings = TestData.Settings() with
        {
            Steps = [new ApprovalStepDefinition("Finance", [TestData.Approver.Id], CompletionPolicy.SingleApprover, TimeSpan.FromDays(2), OverdueAction.Remind)],
        };
        await Store.SaveSettingsAsync(settings, 0, []);
        var engine = new ProposalEngine(Store, new ManualTime(Start));

        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new(FieldCatalog.CreditLimit, "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");

        Assert.Empty(await Due.ClaimDueItemsAsync(Start.AddDays(2).AddTicks(-1), Lease, "one", 10));
        var claimed = Assert.Single(await Due.ClaimDueItemsAsync(Start.AddDays(2), Lease, "one", 10));
        Assert.Equal(new DueItem(DueItemKind.Overdue, "US-001-P1", 0, Start.AddDays(2)), claimed.Item);
    }

    [Fact]
    public async Task A_step_without_an_overdue_action_writes_no_due_item()
    {
        await Store.CommitAsync([new RecordWrite(TestData.Customer("US-001"), null, 0, 0)]);
        var settings = TestData.Settings() with
        {
            Steps = [new ApprovalStepDefinition("Finance", [TestData.Approver.Id], CompletionPolicy.SingleApprover, TimeSpan.FromDays(2))],
        };
        await Store.SaveSettingsAsync(settings, 0, []);
        var engine = new ProposalEngine(Store, new ManualTime(Start));

        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new(FieldCatalog.CreditLimit, "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");

        Assert.Empty(await Due.ClaimDueItemsAsync(Start.AddDays(30), Lease, "one", 10));
    }

    [Fact]
    public async Task Two_processors_on_one_store_act_on_every_overdue_step_once_also_when_one_dies_holding_items()
    {
        const int count = 12;
        var time = new ManualTime(Start);
        var second = Track(await OpenSecondInstanceAsync());
        await Store.CommitAsync([.. Enumerable.Range(1, count).Select(i => new RecordWrite(TestData.Customer($"US-{i:D3}"), null, 0, 0))]);
        await Store.SaveSettingsAsync(TestData.Settings() with
        {
            Steps = [new ApprovalStepDefinition("Finance", [TestData.Approver.Id], CompletionPolicy.SingleApprover, TimeSpan.FromDays(2), OverdueAction.Remind)],
        }, 0, []);
        var engine = new ProposalEngine(Store, time);
        for (var i = 1; i <= count; i++)
        {
            await engine.SetFieldsAsync(TestData.Clerk, $"US-{i:D3}", [new(FieldCatalog.CreditLimit, "5000")]);
            await engine.SubmitAsync(TestData.Clerk, $"US-{i:D3}");
        }

        time.Advance(TimeSpan.FromDays(2));
        // A third instance claims three items and dies: it never completes them.
        var dead = await ((IDueItemStore)second).ClaimDueItemsAsync(time.GetUtcNow(), Lease, "dies", 3);
        var options = new DueWorkOptions { Lease = Lease, BatchSize = 2 };
        var one = new DueWorkProcessor(Due, (IDigestStore)Store, engine, time, options) { Owner = "one" };
        var two = new DueWorkProcessor((IDueItemStore)second, (IDigestStore)second, new ProposalEngine(second, time), time, options) { Owner = "two" };
        var handler = new CountingHandler();

        var reports = await Task.WhenAll(Task.Run(() => one.RunUntilIdleAsync(handler)), Task.Run(() => two.RunUntilIdleAsync(handler)));
        Assert.Equal(count - dead.Count, reports.Sum(r => r.Completed));
        time.Advance(Lease);
        var late = await Task.WhenAll(Task.Run(() => one.RunUntilIdleAsync(handler)), Task.Run(() => two.RunUntilIdleAsync(handler)));

        Assert.Equal(dead.Count, late.Sum(r => r.Completed));
        Assert.All(reports.Concat(late), r => Assert.Empty(r.Failures));
        Assert.Equal(Enumerable.Range(1, count).Select(i => $"US-{i:D3}-P1"), handler.Proposals.Order(StringComparer.Ordinal));
        for (var i = 1; i <= count; i++)
        {
            Assert.Single(await Store.ListHistoryAsync($"US-{i:D3}"), h => h.Action == Core.Proposals.HistoryAction.Reminded);
        }
    }

    /// <summary>The chat side as the contract needs it: which proposals were handed over.</summary>
    private sealed class CountingHandler : IDueWorkHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _proposals = new();

        public IReadOnlyList<string> Proposals => [.. _proposals];

        public Task OverdueAsync(OverdueOutcome outcome, CancellationToken cancellationToken)
        {
            _proposals.Enqueue(outcome.Result!.Proposal.Id);
            return Task.CompletedTask;
        }

        public Task DigestAsync(DailyDigest digest, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task Digest_entries_are_kept_per_person_in_order_and_removed_by_id()
    {
        var digests = (IDigestStore)Store;
        var first = DigestEntry.Create("aad-ann", Start, DigestKind.ApprovalRequested, "US-001-P1", "US-001", "Chloe asks for your approval");
        var second = DigestEntry.Create("aad-ann", Start.AddMinutes(5), DigestKind.Decided, "US-002-P1", "US-002", "approved and applied");
        var other = DigestEntry.Create("aad-bob", Start, DigestKind.Decided, "US-003-P1", "US-003", "rejected");
        await digests.AddDigestEntryAsync(second);
        await digests.AddDigestEntryAsync(first);
        await digests.AddDigestEntryAsync(other);

        Assert.Equal([first, second], await digests.ListDigestEntriesAsync("AAD-ANN"));

        await digests.RemoveDigestEntriesAsync("aad-ann", [first.Id, "no-such-entry"]);

        Assert.Equal([second], await digests.ListDigestEntriesAsync("aad-ann"));
        Assert.Equal([other], await digests.ListDigestEntriesAsync("aad-bob"));
    }

    [Fact]
    public async Task Digest_items_and_overdue_items_share_the_claims()
    {
        await Due.AddDueItemAsync(DueItem.ForDigest("aad-ann", Start.AddHours(8)));
        await Due.AddDueItemAsync(DueItem.ForDigest("aad-ann", Start.AddHours(8)));
        await Due.AddDueItemAsync(Overdue("US-001-P1", Start.AddHours(7), step: 1));

        var claimed = await Due.ClaimDueItemsAsync(Start.AddHours(8), Lease, "one", 10);

        Assert.Equal([Overdue("US-001-P1", Start.AddHours(7), step: 1), DueItem.ForDigest("aad-ann", Start.AddHours(8))], claimed.Select(c => c.Item));
    }
}

/// <summary>The scheduling contract on SQLite.</summary>
#pragma warning disable CA1001 // The database is removed in DisposeAsync, which xunit calls.
public sealed class SqliteSchedulingStoreTests : SchedulingStoreContract
#pragma warning restore CA1001
{
    private readonly TempDatabase _database = new();

    protected override async Task<IWorkflowStore> CreateStoreAsync() => await _database.OpenStoreAsync(false);

    protected override async Task<IWorkflowStore> OpenSecondInstanceAsync() => await _database.OpenStoreAsync(false);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}

/// <summary>The scheduling contract on Cosmos DB.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosSchedulingStoreTests(CosmosAccount account) : SchedulingStoreContract
{
    private readonly string _container = CosmosAccount.NewContainerName();

    protected override async Task<IWorkflowStore> CreateStoreAsync() => await account.OpenStoreAsync(_container);

    protected override async Task<IWorkflowStore> OpenSecondInstanceAsync() => await account.OpenStoreAsync(_container);
}
