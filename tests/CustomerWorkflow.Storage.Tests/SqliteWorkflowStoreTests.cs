using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>The storage contract on SQLite, plus what only SQLite has: pragmas, migrations, a crash mid-write.</summary>
#pragma warning disable CA1001 // The database is removed in DisposeAsync, which xunit calls.
public sealed class SqliteWorkflowStoreTests : WorkflowStoreContract
#pragma warning restore CA1001
{
    private readonly TempDatabase _database = new();

    protected override async Task<IWorkflowStore> CreateStoreAsync() => await OpenAsync();

    protected override async Task<IWorkflowStore> OpenSecondInstanceAsync() => await OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Database_IsInWalModeWithDurableCommits_AtTheLatestSchema()
    {
        await SeedAsync("US-001");
        using var connection = Raw();

        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal((long)SqliteWorkflowStore.SchemaVersion, Scalar(connection, "PRAGMA user_version"));
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM customers"));
    }

    [Fact]
    public async Task StoreConnections_UseSynchronousFull()
    {
        // synchronous is per connection: read it through a store connection by way of a custom function-free query.
        var store = (SqliteWorkflowStore)Store;
        await SeedAsync("US-001");

        var value = await store.ReadPragmaAsync("synchronous");

        Assert.Equal(2L, value); // 2 = FULL
    }

    [Fact]
    public async Task History_CannotBeRewritten()
    {
        await SeedAsync("US-001");
        await Engine().SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        using var connection = Raw();

        var update = Assert.Throws<SqliteException>(() => Execute(connection, "UPDATE history SET comment = 'edited'"));
        var delete = Assert.Throws<SqliteException>(() => Execute(connection, "DELETE FROM history"));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewerSchemaThanThisBuild_IsRefusedAtStart()
    {
        await SeedAsync("US-001");
        using (var connection = Raw())
        {
            Execute(connection, $"PRAGMA user_version = {SqliteWorkflowStore.SchemaVersion + 1}");
        }

        using var store = new SqliteWorkflowStore(new SqliteStoreOptions(_database.Path));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());

        Assert.Contains("newer than this build", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashBetweenLastApprovalAndApply_LeavesCustomerAndProposalUnchanged_AndApprovalCompletesAfterReopening()
    {
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000"), new("PaymentTerms", "Net60")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");
        var before = (await Store.GetAsync("US-001"))!;
        // The write fails part-way: after the customer row is updated with the new values, the proposal row can't be.
        using (var connection = Raw())
        {
            Execute(connection, "CREATE TRIGGER crash AFTER UPDATE ON proposals BEGIN SELECT RAISE(ABORT, 'simulated crash'); END");
        }

        var crash = await Assert.ThrowsAsync<SqliteException>(() => engine.ApproveAsync(TestData.Approver, "US-001-P1", "ok"));
        Assert.Contains("simulated crash", crash.Message, StringComparison.Ordinal);
        await DisposeStoresAsync();

        using (var connection = Raw())
        {
            Execute(connection, "DROP TRIGGER crash");
        }

        using var reopened = await OpenAsync();
        var after = (await reopened.GetAsync("US-001"))!;
        Assert.Equal(before.Version, after.Version);
        Assert.Equal("1000.00", after.Customer[FieldCatalog.CreditLimit]);
        Assert.Equal("Net30", after.Customer[FieldCatalog.PaymentTerms]);
        Assert.Equal(ProposalStatus.PendingApproval, after.OpenProposal!.Status);
        Assert.Equal(before.OpenProposal!.Version, after.OpenProposal.Version);
        Assert.DoesNotContain(await reopened.ListHistoryAsync("US-001"), h => h.Action == HistoryAction.Approved);

        var result = await new Core.Engine.ProposalEngine(reopened, TimeProvider.System).ApproveAsync(TestData.Approver, "US-001-P1", "ok");

        Assert.Equal(ProposalStatus.Applied, result.Proposal.Status);
        var applied = (await reopened.GetAsync("US-001"))!;
        Assert.Equal("5000.00", applied.Customer[FieldCatalog.CreditLimit]);
        Assert.Equal("Net60", applied.Customer[FieldCatalog.PaymentTerms]);
        Assert.Null(applied.OpenProposal);
    }

    [Fact]
    public async Task WriteLockHeldByAnotherProcess_IsReportedAsALostRace_NotAnError()
    {
        await SeedAsync("US-001");
        using var store = new SqliteWorkflowStore(new SqliteStoreOptions(_database.Path) { BusyTimeout = TimeSpan.FromMilliseconds(200) });
        var record = (await store.GetAsync("US-001"))!;
        using var blocker = Raw();
        Execute(blocker, "BEGIN IMMEDIATE");

        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            store.CommitAsync([new RecordWrite(record.Customer.With(FieldCatalog.City, "Delft"), null, 0, record.Version)]));

        Execute(blocker, "ROLLBACK");
        await store.CommitAsync([new RecordWrite(record.Customer.With(FieldCatalog.City, "Delft"), null, 0, record.Version)]);
        Assert.Equal("Delft", (await store.GetAsync("US-001"))!.Customer[FieldCatalog.City]);
    }

    private async Task<SqliteWorkflowStore> OpenAsync()
    {
        var store = new SqliteWorkflowStore(new SqliteStoreOptions(_database.Path));
        await store.InitializeAsync();
        return Track(store);
    }

    private async Task DisposeStoresAsync() => await base.DisposeAsync();

    private SqliteConnection Raw()
    {
        var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
