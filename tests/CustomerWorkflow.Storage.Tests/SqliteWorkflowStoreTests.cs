using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
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
    public async Task History_CannotBeRewritten_OpenOrClosed()
    {
        await SeedAsync("US-001");
        await SeedAsync("US-002");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SetFieldsAsync(TestData.Clerk, "US-002", [new("CreditLimit", "6000")]);
        await engine.DiscardAsync(TestData.Clerk, "US-002");
        using var connection = Raw();

        // The open proposal's history, in its customer row: an entry edited, or the history dropped while the proposal is open.
        var edit = Assert.Throws<SqliteException>(() => Execute(connection, "UPDATE customers SET open_history = replace(open_history, 'Proposed', 'Removed') WHERE id = 'US-001'"));
        var drop = Assert.Throws<SqliteException>(() => Execute(connection, "UPDATE customers SET open_history = NULL WHERE id = 'US-001'"));
        // A closed proposal's history, in its own row: edited, or the row deleted.
        var editClosed = Assert.Throws<SqliteException>(() => Execute(connection, "UPDATE closed_proposals SET history = replace(history, 'Proposed', 'Removed')"));
        var delete = Assert.Throws<SqliteException>(() => Execute(connection, "DELETE FROM closed_proposals"));
        // Appending stays possible (that is how the store writes it).
        Execute(connection, "UPDATE closed_proposals SET history = substr(history, 1, length(history) - 1) || ',{\"s\":99}]'");

        Assert.All([edit, drop, editClosed], e => Assert.Contains("append-only", e.Message, StringComparison.Ordinal));
        Assert.Contains("are kept", delete.Message, StringComparison.Ordinal);
        Assert.Equal(["Proposed"], (await Store.ListHistoryAsync("US-001")).Select(h => h.Action.ToString()));
    }

    [Fact]
    public async Task History_IsStoredWithItsProposal_AndReadInProposalThenSequenceOrder()
    {
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.DiscardAsync(TestData.Clerk, "US-001");
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "7000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001", "needs \"quotes\", ümlauts and <b>tags</b>");
        using var connection = Raw();

        var history = await Store.ListHistoryAsync("US-001");

        Assert.Equal(
            [("US-001-P1", 1, HistoryAction.Proposed), ("US-001-P1", 2, HistoryAction.Discarded), ("US-001-P2", 1, HistoryAction.Proposed), ("US-001-P2", 2, HistoryAction.Submitted)],
            history.Select(h => (h.ProposalId, h.Sequence, h.Action)));
        Assert.Equal("needs \"quotes\", ümlauts and <b>tags</b>", history[^1].Comment);
        Assert.Equal(2L, Scalar(connection, "SELECT json_array_length(history) FROM closed_proposals WHERE id = 'US-001-P1'"));
        Assert.Equal(2L, Scalar(connection, "SELECT json_array_length(open_history) FROM customers WHERE id = 'US-001'"));
        Assert.Equal("[1]", Scalar(connection, "SELECT closed_seqs FROM customers WHERE id = 'US-001'"));
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

    [Theory]
    // The closed proposal's row can't be stored (the store writes it first).
    [InlineData("CREATE TRIGGER crash AFTER INSERT ON closed_proposals BEGIN SELECT RAISE(ABORT, 'simulated crash'); END")]
    // The closed row is stored and the customer row updated with the new values, then the write fails.
    [InlineData("CREATE TRIGGER crash AFTER UPDATE ON customers WHEN old.open_proposal_id IS NOT NULL AND new.open_proposal_id IS NULL BEGIN SELECT RAISE(ABORT, 'simulated crash'); END")]
    public async Task CrashBetweenLastApprovalAndApply_LeavesCustomerAndProposalUnchanged_AndApprovalCompletesAfterReopening(string crashTrigger)
    {
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000"), new("PaymentTerms", "Net60")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");
        var before = (await Store.GetAsync("US-001"))!;
        using (var connection = Raw())
        {
            Execute(connection, crashTrigger);
        }

        var crash = await Assert.ThrowsAsync<SqliteException>(() => engine.ApproveAsync(TestData.Approver, "US-001-P1", "ok"));
        Assert.Contains("simulated crash", crash.Message, StringComparison.Ordinal);
        // The failed write left no awaiting entries to delete: the approvers still have the proposal in their inbox.
        Assert.Equal(0, await ((SqliteWorkflowStore)Store).DeleteLeftAwaitingAsync(all: false));
        Assert.Single(await Store.ListAwaitingAsync(TestData.Approver.Id));
        using (var check = Raw())
        {
            Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM closed_proposals"));
        }

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

    [Fact]
    public async Task DatabaseAtSchema2_UpgradesWithItsProposalsHistoryAndListsIntact()
    {
        // The data to carry over, made by this build: US-001 with an applied P1 and a pending P2, awaiting both approvers.
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");
        await engine.ApproveAsync(TestData.Approver, "US-001-P1");
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("PaymentTerms", "Net60")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001", "second");
        var record = (await Store.GetAsync("US-001"))!;
        var closed = (await Store.GetProposalAsync("US-001-P1"))!;
        var history = await Store.ListHistoryAsync("US-001");

        // The same data written the way schema 2 kept it: proposals in their own table, due approvers, history by rowid.
        using var old = new TempDatabase();
        using (var connection = new SqliteConnection($"Data Source={old.Path};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, Migrations.All[0] + Migrations.All[1] + "PRAGMA user_version = 2;");
            Insert(connection, "INSERT INTO customers (id, search, fields, proposal_seq, open_proposal_id, version) VALUES ($id, $search, $fields, 2, 'US-001-P2', $version)",
                ("$id", "US-001"), ("$search", "us-001 contoso retail"), ("$fields", StoredShapes.Fields(record.Customer.Values)), ("$version", record.Version));
            foreach (var (proposal, isOpen) in new[] { (closed, 0), (record.OpenProposal!, 1) })
            {
                Insert(connection, """
                    INSERT INTO proposals (id, customer_id, number, status, is_open, created_by, submitted_by, updated_at, version, body)
                    VALUES ($id, 'US-001', $number, $status, $open, $created, $submitted, $updated, $version, $body)
                    """,
                    ("$id", proposal.Id), ("$number", proposal.Number), ("$status", proposal.Status.ToString()), ("$open", isOpen),
                    ("$created", proposal.CreatedBy), ("$submitted", proposal.SubmittedBy), ("$updated", $"2026-11-2{proposal.Number}T10:00:00.0000000+00:00"),
                    ("$version", proposal.Version), ("$body", StoredShapes.Proposal(proposal)));
            }

            Execute(connection, "INSERT INTO proposal_due (user_id, proposal_id) VALUES ('approver-1', 'US-001-P2'), ('approver-2', 'US-001-P2')");
            foreach (var h in history)
            {
                Insert(connection, """
                    INSERT INTO history (proposal_id, seq, customer_id, at, actor_id, actor_name, action, step, comment, detail)
                    VALUES ($pid, $seq, 'US-001', $at, $actor, $name, $action, $step, $comment, $detail)
                    """,
                    ("$pid", h.ProposalId), ("$seq", h.Sequence), ("$at", h.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
                    ("$actor", h.ActorId), ("$name", h.ActorName), ("$action", h.Action.ToString()), ("$step", h.Step), ("$comment", h.Comment), ("$detail", h.Detail));
            }
        }

        using var upgraded = new SqliteWorkflowStore(new SqliteStoreOptions(old.Path));
        await upgraded.InitializeAsync();

        var after = (await upgraded.GetAsync("US-001"))!;
        Assert.Equal(record.Version, after.Version);
        Assert.Equal("5000.00", after.Customer[FieldCatalog.CreditLimit]);
        Assert.Equal("US-001-P2", after.OpenProposal!.Id);
        Assert.Equal(ProposalStatus.PendingApproval, after.OpenProposal.Status);
        Assert.Equal(ProposalStatus.Applied, (await upgraded.GetProposalAsync("US-001-P1"))!.Status);
        Assert.Equal(["US-001-P2", "US-001-P1"], (await upgraded.ListProposalsAsync("US-001")).Select(p => p.Id).ToArray());
        Assert.Equal(history.Select(h => (h.ProposalId, h.Sequence, h.Action)), (await upgraded.ListHistoryAsync("US-001")).Select(h => (h.ProposalId, h.Sequence, h.Action)));
        Assert.Equal(["US-001-P2"], (await upgraded.ListAwaitingAsync("APPROVER-2")).Select(p => p.Id).ToArray());
        Assert.Equal(["US-001-P2", "US-001-P1"], (await upgraded.ListByUserAsync(TestData.Clerk.Id, 10)).Select(p => p.Id).ToArray());

        // And it goes on working: the second proposal is approved and applied, the due list emptied.
        var applied = await new Core.Engine.ProposalEngine(upgraded, TimeProvider.System).ApproveAsync(TestData.Approver2, "US-001-P2");
        Assert.Equal(ProposalStatus.Applied, applied.Proposal.Status);
        Assert.Empty(await upgraded.ListAwaitingAsync(TestData.Approver.Id));
        Assert.Equal("Net60", (await upgraded.GetAsync("US-001"))!.Customer[FieldCatalog.PaymentTerms]);
    }

    [Fact]
    public async Task ProposalBodies_AreStoredCompact_AndBodiesInTheFullShapeAreStillRead()
    {
        await Store.SaveSettingsAsync(TestData.Settings(CompletionPolicy.PercentageOf(50)), 0, []);
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000"), new("PaymentTerms", "Net60")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001", "please");
        await engine.DelegateAsync(TestData.Approver, "US-001-P1", "approver-3", "away");
        var open = (await Store.GetAsync("US-001"))!.OpenProposal!;
        var full = System.Text.Json.JsonSerializer.Serialize(open.ToState(), StoredJson.Default.ProposalState);
        using var connection = Raw();

        // Stored compact: about half the full shape's bytes.
        var stored = (string)Scalar(connection, "SELECT open_body FROM customers WHERE id = 'US-001'")!;
        Assert.Equal(StoredShapes.Proposal(open), stored);
        Assert.True(stored.Length * 3 < full.Length * 2, $"{stored.Length} bytes compact against {full.Length} in full.");

        // A body written in the full shape (as stored before the compact one) reads back the same, and the proposal goes on.
        Insert(connection, "UPDATE customers SET open_body = $body WHERE id = 'US-001'", ("$body", full));
        var reread = (await Store.GetAsync("US-001"))!.OpenProposal!;
        Assert.Equal(stored, StoredShapes.Proposal(reread));
        Assert.Equal("approver-3", reread.Steps[0].Approvers.Single(a => a.DelegatedFrom is not null).UserId);
        await engine.ApproveAsync(TestData.Approver2, "US-001-P1");
        Assert.Equal(ProposalStatus.Applied, (await Store.GetProposalAsync("US-001-P1"))!.Status);
        Assert.Equal("Net60", (await Store.GetAsync("US-001"))!.Customer[FieldCatalog.PaymentTerms]);
    }

    [Fact]
    public async Task ClosedProposal_WrittenAgain_OrWithANewCustomer_IsStoredOnce_AndFoundThroughItsCustomer()
    {
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.DiscardAsync(TestData.Clerk, "US-001");
        var record = (await Store.GetAsync("US-001"))!;
        var discarded = (await Store.GetProposalAsync("US-001-P1"))!;

        // The same closed proposal written again (the customer row never held it open in this write): one row, history kept.
        await Store.CommitAsync([new RecordWrite(record.Customer, discarded, record.ProposalSequence, record.Version)]);
        // A closed proposal that comes with a new customer.
        var elsewhere = Proposal.FromState(discarded.ToState() with { Id = "US-009-P1", CustomerId = "US-009" });
        await Store.CommitAsync([new RecordWrite(TestData.Customer("US-009"), elsewhere, 1, 0)]);
        using var connection = Raw();

        Assert.Equal(2L, Scalar(connection, "SELECT count(*) FROM closed_proposals"));
        Assert.Equal([HistoryAction.Proposed, HistoryAction.Discarded], (await Store.ListHistoryAsync("US-001")).Select(h => h.Action));
        Assert.Equal(["US-001-P1"], (await Store.ListProposalsAsync("US-001")).Select(p => p.Id));
        Assert.Equal(ProposalStatus.Discarded, (await Store.GetProposalAsync("US-009-P1"))!.Status);
        Assert.Equal(["US-009-P1"], (await Store.ListProposalsAsync("US-009")).Select(p => p.Id));
        Assert.Null(await Store.GetProposalAsync("US-001-P9"));
    }

    [Fact]
    public async Task AwaitingList_GainsEntriesInTheWriteThatMakesSomeoneDue_AndLeftEntriesAreHiddenThenDeleted()
    {
        await Store.SaveSettingsAsync(TestData.Settings(CompletionPolicy.AllApprovers), 0, []);
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");
        using var connection = Raw();
        var store = (SqliteWorkflowStore)Store;

        Assert.Equal(2L, Scalar(connection, "SELECT count(*) FROM awaiting WHERE proposal_id = 'US-001-P1'"));
        await engine.ApproveAsync(TestData.Approver, "US-001-P1");

        // The approver's entry is left by the approval's commit, and nobody sees it.
        Assert.Equal(2L, Scalar(connection, "SELECT count(*) FROM awaiting"));
        Assert.Empty(await Store.ListAwaitingAsync(TestData.Approver.Id));
        Assert.Single(await Store.ListAwaitingAsync(TestData.Approver2.Id));

        // Deleted in a batch of its own; the entry of someone still due stays.
        Assert.Equal(1, await store.DeleteLeftAwaitingAsync(all: false));
        Assert.Equal("approver-2", Scalar(connection, "SELECT group_concat(user_id) FROM awaiting"));

        await engine.ApproveAsync(TestData.Approver2, "US-001-P1");
        Assert.Empty(await Store.ListAwaitingAsync(TestData.Approver2.Id));
        Assert.Equal(1, await store.DeleteLeftAwaitingAsync(all: false));
        Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM awaiting"));
    }

    [Fact]
    public async Task AwaitingList_LeftEntriesAreDeletedByTheWritesThemselves_OnceABatchHasGathered()
    {
        // All approvers: each approval by approver-1 leaves its entry, and approver-2 stays due.
        await Store.SaveSettingsAsync(TestData.Settings(CompletionPolicy.AllApprovers), 0, []);
        var count = SqliteWorkflowStore.LeftBatch;
        var ids = Enumerable.Range(1, count).Select(n => $"US-{n:D4}").ToList();
        await SeedAsync([.. ids]);
        var engine = Engine();
        foreach (var id in ids)
        {
            await engine.SetFieldsAsync(TestData.Clerk, id, [new("CreditLimit", "5000")]);
            await engine.SubmitAsync(TestData.Clerk, id);
        }

        using var connection = Raw();
        foreach (var id in ids.Take(count - 1))
        {
            await engine.ApproveAsync(TestData.Approver, $"{id}-P1");
        }

        // A batch less one: all left, none shown.
        Assert.Equal(2L * count, Scalar(connection, "SELECT count(*) FROM awaiting"));
        Assert.Equal([$"{ids[^1]}-P1"], (await Store.ListAwaitingAsync(TestData.Approver.Id)).Select(p => p.Id));
        Assert.Equal(count, (await Store.ListAwaitingAsync(TestData.Approver2.Id)).Count);

        // The write that completes the batch deletes them after its own commit; approver-2's entries stay.
        await engine.ApproveAsync(TestData.Approver, $"{ids[^1]}-P1");
        Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM awaiting WHERE user_id = 'approver-1'"));
        Assert.Equal((long)count, Scalar(connection, "SELECT count(*) FROM awaiting WHERE user_id = 'approver-2'"));
    }

    [Fact]
    public async Task AwaitingList_EntriesLeftByAStoppedProcess_AreDeletedAtStart()
    {
        await SeedAsync("US-001");
        var engine = Engine();
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");
        await engine.ApproveAsync(TestData.Approver, "US-001-P1");
        using var connection = Raw();
        Assert.Equal(2L, Scalar(connection, "SELECT count(*) FROM awaiting"));

        // The process stops before its batch is deleted; the next start deletes what is left.
        await DisposeStoresAsync();
        _ = await OpenAsync();

        Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM awaiting"));
    }

    private async Task<SqliteWorkflowStore> OpenAsync() => Track(await _database.OpenStoreAsync());

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

    private static void Insert(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
