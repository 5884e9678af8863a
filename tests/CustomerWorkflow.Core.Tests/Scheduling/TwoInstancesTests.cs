using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.TestData;
using CustomerWorkflow.Storage.Sqlite;

namespace CustomerWorkflow.Core.Tests.Scheduling;

/// <summary>
/// Two bot instances on one SQLite file, each with its own store, engine and processor, and one clock: every due item is
/// handled exactly once between them, also when one of them stops holding items it claimed.
/// </summary>
public sealed class TwoInstancesTests : SchedulerTestBase
{
    private const int Proposals = 30;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private SqliteWorkflowStore _secondStore = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _secondStore = new SqliteWorkflowStore(new SqliteStoreOptions(DatabasePath) { DurableCommits = false });
        await _secondStore.InitializeAsync();
        await GivenStepsAsync(Step("Finance", OverdueAction.Remind));
        await GivenCustomersAsync([.. Enumerable.Range(2, Proposals - 1).Select(i => A.Customer($"US-{i:D3}").Build())]);
        for (var i = 1; i <= Proposals; i++)
        {
            var id = $"US-{i:D3}";
            await Engine.SetFieldsAsync(Users.Clerk, id, [new(FieldCatalog.CreditLimit, "5000")]);
            await Engine.SubmitAsync(Users.Clerk, id);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _secondStore.Dispose();
        }

        base.Dispose(disposing);
    }

    private DueWorkProcessor Second(RecordingHandler handler, DueWorkOptions? options = null) =>
        new(_secondStore, _secondStore, new ProposalEngine(_secondStore, Time), Time, options) { Owner = "instance-2" };

    private async Task<int> RemindersAsync()
    {
        var count = 0;
        for (var i = 1; i <= Proposals; i++)
        {
            count += (await Engine.GetHistoryAsync($"US-{i:D3}")).Count(h => h.Action == HistoryAction.Reminded);
        }

        return count;
    }

    [Fact]
    public async Task Two_instances_running_at_once_handle_every_due_item_exactly_once()
    {
        var otherHandler = new RecordingHandler();
        var options = new DueWorkOptions { BatchSize = 4 };
        var first = new DueWorkProcessor(Store, Store, Engine, Time, options) { Owner = "instance-1" };
        var second = Second(otherHandler, options);
        Time.Advance(TwoDays);

        var reports = await Task.WhenAll(
            Task.Run(() => first.RunUntilIdleAsync(Handler)),
            Task.Run(() => second.RunUntilIdleAsync(otherHandler)));

        Assert.All(reports, r => Assert.Empty(r.Failures));
        Assert.Equal(Proposals, reports.Sum(r => r.Completed));
        var handled = Handler.Outcomes.Concat(otherHandler.Outcomes).Select(o => o.Result!.Proposal.Id).ToList();
        Assert.Equal(Proposals, handled.Distinct().Count());
        Assert.Equal(Proposals, handled.Count);
        Assert.Equal(Proposals, await RemindersAsync());
    }

    [Fact]
    public async Task Items_a_dead_instance_claimed_are_handled_by_the_other_once_its_lease_runs_out()
    {
        Time.Advance(TwoDays);
        // Instance 2 claims a batch and stops before doing any of it: no completion, ever.
        var dead = await ((IDueItemStore)_secondStore).ClaimDueItemsAsync(Time.GetUtcNow(), Lease, "instance-2", 10);
        Assert.Equal(10, dead.Count);

        var before = await Processor.RunUntilIdleAsync(Handler);
        Assert.Equal(Proposals - 10, before.Completed);
        Assert.Equal(Proposals - 10, await RemindersAsync());

        Time.Advance(Lease);
        var after = await Processor.RunUntilIdleAsync(Handler);

        Assert.Equal(10, after.Completed);
        Assert.Equal(dead.Select(d => d.Item.Subject).Order(), Handler.Outcomes.Skip(Proposals - 10).Select(o => o.Result!.Proposal.Id).Order());
        Assert.Equal(Proposals, await RemindersAsync());
        foreach (var lapsed in dead)
        {
            Assert.False(await ((IDueItemStore)_secondStore).CompleteDueItemAsync(lapsed));
        }
    }

    [Fact]
    public async Task An_instance_that_dies_after_acting_but_before_completing_leaves_nothing_to_do_twice()
    {
        Time.Advance(TwoDays);
        var dying = new RecordingHandler { Fail = true };
        var second = Second(dying, new DueWorkOptions { BatchSize = 5 });

        // It acts (the reminders are written) and then fails to hand them over: the items stay claimed.
        var failed = await second.RunOnceAsync(dying);
        Assert.Equal(5, failed.Failures.Count);
        Assert.Equal(5, await RemindersAsync());

        Time.Advance(Lease);
        var report = await Processor.RunUntilIdleAsync(Handler);

        // The survivor finds those five re-armed (not due at the time their items name) and drops them; the rest it reminds.
        Assert.Equal(Proposals, report.Completed);
        Assert.Equal(Proposals - 5, report.Acted);
        Assert.Equal(Proposals, await RemindersAsync());
    }
}
