using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Workflows;
using CustomerWorkflow.Core.Scheduling;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with durable commits. A customer with its open proposal is
/// one row, guarded by its version; a proposal moves to <c>closed_proposals</c> in the write that closes it.
/// Every commit is one transaction that touches as few pages as it can: the customer row, the history entries
/// (clustered by customer), and only when they change, the per-user and due lists.
/// </summary>
public sealed partial class SqliteWorkflowStore : IWorkflowStore, IUserStore, IIdempotencyStore, IDeliveryStore, IWorkflowDefinitionStore, IDisposable
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    private readonly SqliteConnectionPool _pool;
    private readonly SqliteStoreOptions _options;
    private readonly ConditionalWeakTable<Customer, StrongBox<long>> _readAt = [];
    private readonly ConditionalWeakTable<Proposal, AsRead> _asRead = [];
    private volatile SettingsRecord? _settings;

    static SqliteWorkflowStore() => SQLitePCL.Batteries_V2.Init();

    public SqliteWorkflowStore(SqliteStoreOptions options)
    {
        _options = options;
        var folder = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        _pool = new SqliteConnectionPool(options);
    }

    /// <summary>The schema version the database is at after <see cref="InitializeAsync"/>.</summary>
    public static int SchemaVersion => Migrations.All.Count;

    public Task InitializeAsync(CancellationToken cancellationToken = default) =>
        _pool.WriteAsync(c =>
        {
            // WAL is a property of the file; setting it outside a transaction makes it stick for every connection.
            c.Execute("PRAGMA journal_mode = WAL;");
            return c.InTransaction(c =>
            {
                var current = Convert.ToInt32(c.Command("PRAGMA user_version;").ExecuteScalar(), CultureInfo.InvariantCulture);
                if (current > Migrations.All.Count)
                {
                    throw new InvalidOperationException(
                        $"The database {_options.DatabasePath} is at schema version {current}, newer than this build knows ({Migrations.All.Count}). Use a newer build.");
                }

                for (var version = current + 1; version <= Migrations.All.Count; version++)
                {
                    c.Execute(Migrations.All[version - 1]);
                    c.Execute($"PRAGMA user_version = {version};");
                }

                // Awaiting entries left by writes that a stopped process had not deleted yet (see SqliteWorkflowStore.Awaiting).
                DeleteAllLeftEntries(c);
                return true;
            });
        }, cancellationToken);

    public Task<CustomerRecord?> GetAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c =>
        {
            return c.Raw("SELECT id, fields, proposal_seq, version, open_body, open_due FROM customers WHERE id = $id")
                .Bind("$id", customerId)
                .ReadFirst(row => ReadRecord(
                    raw.sqlite3_column_text(row, 0).utf8_to_string(),
                    raw.sqlite3_column_blob(row, 1),
                    raw.sqlite3_column_int(row, 2),
                    raw.sqlite3_column_int64(row, 3),
                    raw.sqlite3_column_type(row, 4) == raw.SQLITE_NULL ? null : raw.sqlite3_column_blob(row, 4),
                    raw.sqlite3_column_type(row, 5) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(row, 5).utf8_to_string()));
        }));

    public Task<IReadOnlyDictionary<string, CustomerRecord>> GetManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, CustomerRecord>>(_pool.Read(c =>
        {
            var result = new Dictionary<string, CustomerRecord>(customerIds.Count, StringComparer.Ordinal);
            // json_each binds the whole id list as one parameter: one statement, whatever the count.
            var command = c.Command("""
                SELECT id, fields, proposal_seq, version, open_body, open_due FROM customers
                WHERE id IN (SELECT value FROM json_each($ids))
                """);
            command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(customerIds));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var record = ReadRecord(reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetInt32(2), reader.GetInt64(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4), reader.IsDBNull(5) ? null : reader.GetString(5));
                result[record.Customer.Id] = record;
            }

            return result;
        }));

    public Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default) =>
        InWriteTransaction(c =>
        {
            foreach (var write in writes)
            {
                WriteRecord(c, write);
            }
        }, cancellationToken);

    public Task<Proposal?> GetProposalAsync(string proposalId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c =>
        {
            // A proposal id names its customer: a point read of the customer's open slot or of its closed proposals.
            if (ProposalId.CustomerIdOf(proposalId) is not { } customerId)
            {
                return null;
            }

            var command = c.Command("""
                SELECT open_body FROM customers WHERE id = $customer AND open_proposal_id = $id
                UNION ALL
                SELECT p.body FROM customers c, json_each(c.closed_seqs) j JOIN closed_proposals p ON p.seq = j.value
                WHERE c.id = $customer AND p.id = $id
                """);
            command.Parameters.AddWithValue("$customer", customerId);
            command.Parameters.AddWithValue("$id", proposalId);
            return command.ExecuteScalar() is string body ? StoredShapes.Proposal(body) : null;
        }));

    public async Task<IReadOnlyList<Proposal>> ListProposalsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var proposals = await QueryProposals("""
            SELECT open_body FROM customers WHERE id = $p AND open_body IS NOT NULL
            UNION ALL
            SELECT p.body FROM customers c, json_each(c.closed_seqs) j JOIN closed_proposals p ON p.seq = j.value WHERE c.id = $p
            """, customerId, null).ConfigureAwait(false);
        return [.. proposals.OrderByDescending(p => p.Number)];
    }

    public Task<IReadOnlyList<HistoryEntry>> ListHistoryAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<HistoryEntry>>(_pool.Read(c =>
        {
            // Each proposal holds its own history: the closed ones in proposal order, then the open one (the newest).
            var command = c.Command("""
                SELECT id, history FROM (
                    SELECT 0 AS kind, p.number AS number, p.id AS id, p.history AS history
                    FROM customers c, json_each(c.closed_seqs) j JOIN closed_proposals p ON p.seq = j.value WHERE c.id = $id
                    UNION ALL
                    SELECT 1, proposal_seq, open_proposal_id, open_history FROM customers WHERE id = $id AND open_history IS NOT NULL)
                ORDER BY kind, number
                """);
            command.Parameters.AddWithValue("$id", customerId);
            using var reader = command.ExecuteReader();
            var entries = new List<HistoryEntry>();
            while (reader.Read())
            {
                StoredHistory.Read(reader.GetString(0), reader.GetFieldValue<byte[]>(1), entries);
            }

            return entries;
        }));

    public Task<IReadOnlyList<Proposal>> ListAwaitingAsync(string userId, CancellationToken cancellationToken = default) =>
        QueryProposals("""
            SELECT c.open_body FROM awaiting a JOIN customers c ON c.id = a.customer_id AND c.open_proposal_id = a.proposal_id
            WHERE a.user_id = $p AND EXISTS (SELECT 1 FROM json_each(c.open_due) j WHERE j.value = a.user_id COLLATE NOCASE)
            ORDER BY c.open_updated_at, c.open_proposal_id
            """, userId, null);

    public Task<IReadOnlyList<Proposal>> ListByUserAsync(string userId, int max, CancellationToken cancellationToken = default) =>
        QueryProposals("""
            SELECT body FROM (
                SELECT c.open_body AS body, c.open_updated_at AS updated_at, c.open_proposal_id AS id
                FROM proposal_users u JOIN customers c ON c.id = u.customer_id AND c.open_proposal_id = u.proposal_id
                WHERE u.user_id = $p
                UNION ALL
                SELECT p.body, p.updated_at, p.id
                FROM proposal_users u JOIN customers c ON c.id = u.customer_id, json_each(c.closed_seqs) j
                JOIN closed_proposals p ON p.seq = j.value AND p.id = u.proposal_id
                WHERE u.user_id = $p)
            ORDER BY updated_at DESC, id LIMIT $max
            """, userId, max);

    public Task<IReadOnlyList<Customer>> FindCustomersAsync(string text, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Customer>>(_pool.Read(c =>
        {
            var command = c.Command("""
                SELECT id, fields FROM customers
                WHERE search LIKE '%' || $text || '%' ESCAPE '\'
                ORDER BY id LIMIT $max
                """);
            var escaped = text.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
            command.Parameters.AddWithValue("$text", escaped);
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            var customers = new List<Customer>();
            while (reader.Read())
            {
                customers.Add(new Customer(reader.GetString(0), StoredShapes.Fields(reader.GetString(1))));
            }

            return customers;
        }));

    public Task<int> CountCustomersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c => Convert.ToInt32(c.Command("SELECT count(*) FROM customers").ExecuteScalar(), CultureInfo.InvariantCulture)));

    public Task<SettingsRecord?> GetSettingsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_pool.Read(c =>
        {
            // Settings are read by most use cases and change rarely: parse them again only when their version moved.
            var cached = _settings;
            var version = c.Raw("SELECT version FROM settings WHERE id = 1").ReadFirst(row => raw.sqlite3_column_int64(row, 0));
            if (version == 0 || cached?.Version == version)
            {
                return version == 0 ? null : cached;
            }

            using var reader = c.Command("SELECT body, version FROM settings WHERE id = 1").ExecuteReader();
            var fresh = reader.Read() ? new SettingsRecord(StoredShapes.Settings(reader.GetString(0)), reader.GetInt64(1)) : null;
            _settings = fresh;
            return fresh;
        }));

    public async Task<long> SaveSettingsAsync(WorkflowSettings settings, long expectedVersion, IReadOnlyList<SettingsChange> changes, CancellationToken cancellationToken = default)
    {
        var newVersion = expectedVersion + 1;
        await InWriteTransaction(c =>
        {
            var command = expectedVersion == 0
                ? c.Command("INSERT INTO settings (id, body, version) VALUES (1, $body, 1) ON CONFLICT (id) DO NOTHING")
                : c.Command("UPDATE settings SET body = $body, version = version + 1 WHERE id = 1 AND version = $expected");
            command.Parameters.AddWithValue("$body", StoredShapes.Settings(settings));
            if (expectedVersion != 0)
            {
                command.Parameters.AddWithValue("$expected", expectedVersion);
            }

            if (command.ExecuteNonQuery() != 1)
            {
                throw new ConcurrencyException("The settings were changed by someone else.");
            }

            foreach (var change in changes)
            {
                var insert = c.Command("""
                    INSERT INTO settings_changes (at, actor_id, actor_name, setting, before, after)
                    VALUES ($at, $actor, $name, $setting, $before, $after)
                    """);
                insert.Parameters.AddWithValue("$at", Timestamp(change.At));
                insert.Parameters.AddWithValue("$actor", change.ActorId);
                insert.Parameters.AddWithValue("$name", change.ActorName);
                insert.Parameters.AddWithValue("$setting", change.Setting);
                insert.Parameters.AddWithValue("$before", change.Before);
                insert.Parameters.AddWithValue("$after", change.After);
                insert.ExecuteNonQuery();
            }
        }, cancellationToken).ConfigureAwait(false);
        return newVersion;
    }

    public Task<IReadOnlyList<SettingsChange>> ListSettingsChangesAsync(int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SettingsChange>>(_pool.Read(c =>
        {
            var command = c.Command("SELECT at, actor_id, actor_name, setting, before, after FROM settings_changes ORDER BY seq DESC LIMIT $max");
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            var changes = new List<SettingsChange>();
            while (reader.Read())
            {
                changes.Add(new SettingsChange(DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
                    reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
            }

            return changes;
        }));

    public void Dispose() => _pool.Dispose();

    /// <summary>A pragma's value as the writer connection sees it (for tests of the durability settings).</summary>
    internal Task<long> ReadPragmaAsync(string pragma) =>
        pragma.All(char.IsAsciiLetter)
            ? _pool.WriteAsync(c => Convert.ToInt64(c.Command($"PRAGMA {pragma};").ExecuteScalar(), CultureInfo.InvariantCulture), CancellationToken.None)
            : throw new ArgumentException("Not a pragma name.", nameof(pragma));

    private void WriteRecord(PooledConnection c, RecordWrite write)
    {
        var customer = write.Customer;
        var proposal = write.Proposal;
        var open = proposal is { IsOpen: true } ? proposal : null;
        var asRead = proposal is not null && _asRead.TryGetValue(proposal, out var known) ? known : null;
        var added = proposal is null ? null : StoredHistory.Write(proposal.NewHistory);

        // The customer as it was read at the version this write expects (customers are immutable, and the version
        // check below fails if the row moved since): its stored fields and search text are already right.
        var unchanged = write.ExpectedVersion != 0 && _readAt.TryGetValue(customer, out var readAt) && readAt.Value == write.ExpectedVersion;

        // A proposal that closes goes to its closed row first, because that row takes the open history from the
        // customer row that the update below clears. The insert is guarded by the same version, so a lost race fails
        // here, before anything is written.
        var closedSeq = proposal is not null && open is null ? StoreClosed(c, write, proposal, added) : null;

        // Without a proposal the open slot is left as it is; with one, it must be empty or hold that same proposal
        // (one open per customer). The open history is appended to (the same proposal) or started (a new one).
        RawStatement command;
        if (write.ExpectedVersion == 0)
        {
            command = c.Raw("""
                INSERT INTO customers (id, search, fields, proposal_seq, open_proposal_id, open_body, open_updated_at, open_due, open_workflow,
                                       open_history, closed_seqs, version)
                VALUES ($id, $search, $fields, $seq, $open, $body, $updated, $due, $workflow,
                        CASE WHEN $open IS NOT NULL THEN $added END, CASE WHEN $closed IS NOT NULL THEN '[' || $closed || ']' END, 1)
                ON CONFLICT (id) DO NOTHING
                """);
        }
        else if (proposal is null)
        {
            command = c.Raw("""
                UPDATE customers SET search = $search, fields = $fields, proposal_seq = $seq, version = version + 1
                WHERE id = $id AND version = $expected
                """);
        }
        else if (unchanged)
        {
            command = c.Raw($"""
                UPDATE customers SET proposal_seq = $seq, {SetOpenSlot}, version = version + 1
                WHERE id = $id AND version = $expected AND (open_proposal_id IS NULL OR open_proposal_id = $proposal)
                """);
            command.Bind("$proposal", proposal.Id);
        }
        else
        {
            command = c.Raw($"""
                UPDATE customers SET search = $search, fields = $fields, proposal_seq = $seq, {SetOpenSlot}, version = version + 1
                WHERE id = $id AND version = $expected AND (open_proposal_id IS NULL OR open_proposal_id = $proposal)
                """);
            command.Bind("$proposal", proposal.Id);
        }

        command.Bind("$id", customer.Id);
        if (!unchanged || proposal is null)
        {
            command.Bind("$search", $"{customer.Id} {customer.Name}".ToLowerInvariant());
            command.Bind("$fields", StoredShapes.FieldsUtf8(customer.Values));
        }

        command.Bind("$seq", (long)write.ProposalSequence);
        if (write.ExpectedVersion != 0)
        {
            command.Bind("$expected", write.ExpectedVersion);
        }

        var due = open?.DueApprovers is { Count: > 0 } dueApprovers ? StoredShapes.UserList(dueApprovers) : null;
        if (write.ExpectedVersion == 0 || proposal is not null)
        {
            command.Bind("$open", open?.Id);
            command.Bind("$body", open is null ? null : StoredShapes.ProposalUtf8(open));
            command.Bind("$updated", open is null ? null : UpdatedAt(open));
            command.Bind("$due", due);
            command.Bind("$workflow", open?.RunningWorkflow);
            command.Bind("$added", added);
            command.Bind("$closed", closedSeq);
        }

        if (command.Execute() != 1)
        {
            throw new ConcurrencyException(write.ExpectedVersion == 0
                ? $"Customer {customer.Id} exists already."
                : $"Customer {customer.Id} was changed by someone else.");
        }

        if (proposal is null)
        {
            return;
        }

        UpdateAwaiting(c, customer.Id, proposal, open is null ? null : due, asRead);

        // The creator and the submitter list the proposal as theirs; an entry that exists is left alone (no page written).
        // A proposal read from this store with the same creator and submitter has its entries already (they are
        // written with every proposal write and never removed): then there is nothing to look up.
        if (asRead is null
            || !string.Equals(asRead.CreatedBy, proposal.CreatedBy, StringComparison.Ordinal)
            || !string.Equals(asRead.SubmittedBy, proposal.SubmittedBy, StringComparison.Ordinal))
        {
            c.Raw("""
                INSERT OR IGNORE INTO proposal_users (user_id, proposal_id, customer_id)
                SELECT $created, $id, $customer UNION ALL SELECT $submitted, $id, $customer WHERE $submitted IS NOT NULL
                """)
                .Bind("$created", proposal.CreatedBy)
                .Bind("$submitted", proposal.SubmittedBy)
                .Bind("$id", proposal.Id)
                .Bind("$customer", customer.Id)
                .Execute();
        }

        // The scheduler's due item for the waiting step, in the same transaction as the step, so none is ever missing.
        if (open is not null && DueItem.ForOverdue(open) is { } dueItem)
        {
            InsertDueItem(c, dueItem);
        }
    }

    /// <summary>
    /// The open slot's columns for a write of a proposal: its body and lists when it is open (empty when it closed), its
    /// history appended to when it is the proposal the slot held, started when it is a new one, and the closed row
    /// (<c>$closed</c>) added to the customer's list of closed proposals.
    /// </summary>
    private static readonly string SetOpenSlot = $"""
        open_proposal_id = $open, open_body = $body, open_updated_at = $updated, open_due = $due, open_workflow = $workflow,
        open_history = CASE WHEN $open IS NULL THEN NULL WHEN open_proposal_id IS NOT $open THEN $added ELSE {StoredHistory.AppendSql("open_history")} END,
        closed_seqs = CASE
            WHEN $closed IS NULL THEN closed_seqs
            WHEN closed_seqs IS NULL THEN '[' || $closed || ']'
            ELSE substr(closed_seqs, 1, length(closed_seqs) - 1) || ',' || $closed || ']' END
        """;

    private static readonly string MoveToClosed = $"""
        INSERT INTO closed_proposals (customer_id, id, number, updated_at, body, history)
        SELECT c.id, $id, $number, $updated, $body, coalesce({StoredHistory.AppendSql("c.open_history")}, '[]')
        FROM customers c WHERE c.id = $customer AND c.version = $expected AND c.open_proposal_id = $id
        """;

    private static readonly string RewriteClosed = $"""
        UPDATE closed_proposals SET updated_at = $updated, body = $body, history = {StoredHistory.AppendSql("history")} WHERE seq = $seq
        """;

    /// <summary>
    /// Writes a closed proposal's row, with its whole history, and returns the row's seq for the customer's list, or
    /// null when the list has it already. The usual case is a proposal that was open in the customer row at the
    /// expected version: its row is appended with the open history followed by the new entries, in one statement.
    /// </summary>
    private static long? StoreClosed(PooledConnection c, RecordWrite write, Proposal proposal, byte[]? added)
    {
        var customerId = write.Customer.Id;
        var body = StoredShapes.ProposalUtf8(proposal);
        if (write.ExpectedVersion != 0)
        {
            var move = c.Raw(MoveToClosed)
                .Bind("$customer", customerId)
                .Bind("$expected", write.ExpectedVersion)
                .Bind("$id", proposal.Id)
                .Bind("$number", proposal.Number)
                .Bind("$updated", UpdatedAt(proposal))
                .Bind("$body", body)
                .Bind("$added", added);
            if (move.Execute() == 1)
            {
                return move.LastInsertRowId;
            }

            var version = c.Command("SELECT version FROM customers WHERE id = $customer");
            version.Parameters.AddWithValue("$customer", customerId);
            if (version.ExecuteScalar() is not long current || current != write.ExpectedVersion)
            {
                throw new ConcurrencyException($"Customer {customerId} was changed by someone else.");
            }
        }

        // A closed proposal that the customer row did not hold open: one written again, or one closed in the write that
        // started it. Its history is appended to its row when it has one.
        var find = c.Command("""
            SELECT p.seq FROM customers c, json_each(c.closed_seqs) j JOIN closed_proposals p ON p.seq = j.value
            WHERE c.id = $customer AND p.id = $id
            """);
        find.Parameters.AddWithValue("$customer", customerId);
        find.Parameters.AddWithValue("$id", proposal.Id);
        var existing = find.ExecuteScalar() as long?;
        var closedRow = c.Command(existing is null
            ? """
              INSERT INTO closed_proposals (customer_id, id, number, updated_at, body, history)
              VALUES ($customer, $id, $number, $updated, $body, coalesce($added, '[]'))
              """
            : RewriteClosed);
        closedRow.Parameters.AddWithValue("$customer", customerId);
        closedRow.Parameters.AddWithValue("$id", proposal.Id);
        closedRow.Parameters.AddWithValue("$number", proposal.Number);
        closedRow.Parameters.AddWithValue("$updated", UpdatedAt(proposal));
        closedRow.Parameters.AddWithValue("$body", Encoding.UTF8.GetString(body));
        closedRow.Parameters.AddWithValue("$added", added is null ? DBNull.Value : Encoding.UTF8.GetString(added));
        closedRow.Parameters.AddWithValue("$seq", (object?)existing ?? DBNull.Value);
        closedRow.ExecuteNonQuery();
        return existing is null ? SQLitePCL.raw.sqlite3_last_insert_rowid(c.Connection.Handle) : null;
    }

    /// <summary>When a proposal last changed: its newest unsaved history entry, or its start.</summary>
    private static string UpdatedAt(Proposal proposal) =>
        Timestamp(proposal.NewHistory.Count > 0 ? proposal.NewHistory[^1].At : proposal.CreatedAt);

    /// <summary>
    /// A customer unit from its row. The JSON columns are parsed from the UTF-8 bytes SQLite stores. The customer is
    /// remembered with the version it was read at, so writing it back unchanged at that version can leave its fields
    /// alone, and the open proposal with what it was stored with (see <see cref="WriteRecord"/>).
    /// </summary>
    private CustomerRecord ReadRecord(string id, ReadOnlySpan<byte> fields, int proposalSequence, long version, ReadOnlySpan<byte> body, string? due)
    {
        var customer = Customer.FromStored(id, StoredShapes.Fields(fields));
        var proposal = body.IsEmpty ? null : StoredShapes.Proposal(body);
        _readAt.AddOrUpdate(customer, new StrongBox<long>(version));
        if (proposal is not null)
        {
            _asRead.AddOrUpdate(proposal, new AsRead(proposal.CreatedBy, proposal.SubmittedBy, due));
        }

        return new CustomerRecord(customer, proposal, proposalSequence, version);
    }

    private Task<IReadOnlyList<Proposal>> QueryProposals(string sql, string parameter, int? max) =>
        Task.FromResult<IReadOnlyList<Proposal>>(_pool.Read(c =>
        {
            var command = c.Command(sql);
            command.Parameters.AddWithValue("$p", parameter);
            if (max is { } m)
            {
                command.Parameters.AddWithValue("$max", m);
            }

            using var reader = command.ExecuteReader();
            var proposals = new List<Proposal>();
            while (reader.Read())
            {
                proposals.Add(StoredShapes.Proposal(reader.GetString(0)));
            }

            return proposals;
        }));

    /// <summary>One immediate transaction on the writer (<see cref="PooledConnection.InTransaction"/>): all of the work commits, or none of it.</summary>
    private Task InWriteTransaction(Action<PooledConnection> work, CancellationToken cancellationToken) =>
        _pool.WriteAsync(c =>
        {
            try
            {
                c.InTransaction(c =>
                {
                    work(c);
                    return true;
                });
            }
            catch (Exception e)
            {
                // Nothing this transaction left in the awaiting list was committed.
                _leftInTransaction.Clear();
                if (e is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked })
                {
                    // Another process held the write lock past the busy timeout: a lost race, retried by the caller.
                    throw new ConcurrencyException($"The database is busy: {e.Message}");
                }

                throw;
            }

            DeleteLeftEntriesWhenDue(c);
            return true;
        }, cancellationToken);

    /// <summary>UTC in the round-trip format: how every time is stored.</summary>
    internal static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

}
