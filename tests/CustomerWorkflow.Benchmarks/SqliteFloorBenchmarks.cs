using System.Globalization;
using BenchmarkDotNet.Attributes;
using CustomerWorkflow.Core.Engine;
using SQLitePCL;

namespace CustomerWorkflow.Benchmarks;

/// <summary>
/// What SQLite alone costs for the writes of an approval, to set the other benchmarks against: the same library
/// (e_sqlite3 through SQLitePCLRaw's raw API, no Microsoft.Data.Sqlite), the same settings (WAL, synchronous=FULL), the
/// same seeded database with submitted proposals, and the same two statements the store runs when an approval applies
/// a proposal (the closed row appended with the open history moved into it, the customer row updated and its open slot
/// cleared), with constant texts of the stored sizes in place of the engine's JSON. <see cref="RawCommitCeiling"/> is
/// <see cref="WorkflowBenchmarks.CommitCeiling"/> through the same raw API. Their ratio is the most any approval can
/// reach of the ceiling on this machine; the rest of the budget is all the .NET work an approval does.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class SqliteFloorBenchmarks : IDisposable
{
    private const int CommitsPerInvoke = 2_000;
    private const int ApprovalsPerInvoke = 500;

    private string? _path;
    private sqlite3? _db;
    private sqlite3_stmt? _begin;
    private sqlite3_stmt? _commit;
    private sqlite3_stmt? _first;
    private sqlite3_stmt? _second;
    private List<string> _customerIds = [];
    private int _next;

    // Of the sizes the store writes when the sample approver applies an import's credit-limit proposal.
    private static readonly string ClosedBody = "{\"i\":\"" + new string('b', 660) + "\"}";
    private static readonly string AddedHistory = "[" + string.Join(",", Enumerable.Repeat("{\"s\":3,\"t\":\"2026-11-21T07:29:57.8829401+00:00\",\"u\":\"sample-approver\",\"n\":\"Arun Approver\",\"a\":\"Approved\",\"p\":1,\"d\":\"Finance approval\"}", 3)) + "]";

    [GlobalSetup(Target = nameof(RawCommitCeiling))]
    public void SetupCeiling()
    {
        Batteries_V2.Init();
        _path = BenchmarkData.NewDatabasePath("raw-ceiling");
        Open();
        Exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);");
        _first = Prepare("INSERT INTO rows (id, payload) VALUES (?1, ?2)");
        _next = 0;
    }

    /// <summary>One INSERT of a 600-byte row in its own transaction, as <see cref="WorkflowBenchmarks.CommitCeiling"/>.</summary>
    [Benchmark(OperationsPerInvoke = CommitsPerInvoke)]
    public void RawCommitCeiling()
    {
        var payload = new string('x', 600);
        for (var i = 0; i < CommitsPerInvoke; i++)
        {
            Step(_begin!);
            raw.sqlite3_bind_int64(_first, 1, ++_next);
            raw.sqlite3_bind_text(_first, 2, payload);
            Step(_first!);
            Step(_commit!);
        }
    }

    [GlobalSetup(Target = nameof(RawApproveWrites))]
    public async Task SetupApproveWrites()
    {
        BenchmarkData.CheckSettings();
        _path = BenchmarkData.NewDatabasePath("raw-approve");
        var count = ApprovalsPerInvoke * BenchmarkConfig.MaxInvocations;
        using (var store = await BenchmarkData.CreateSeededStoreAsync(_path))
        {
            var engine = new ProposalEngine(store, TimeProvider.System);
            var customers = BenchmarkData.Customers.Take(count).ToList();
            await BenchmarkData.ProposeByImportAsync(engine, customers);
            _customerIds = customers.Select(c => c.Id).ToList();
        }

        BenchmarkData.Checkpoint(_path);
        Open();
        _first = Prepare("""
            INSERT INTO closed_proposals (customer_id, id, number, updated_at, body, history)
            SELECT c.id, c.open_proposal_id, 1, ?2, ?3, substr(c.open_history, 1, length(c.open_history) - 1) || ',' || substr(?4, 2)
            FROM customers c WHERE c.id = ?1 AND c.open_proposal_id IS NOT NULL
            """);
        _second = Prepare("""
            UPDATE customers SET fields = ?2, search = lower(id), open_proposal_id = NULL, open_body = NULL, open_updated_at = NULL,
                open_due = NULL, open_workflow = NULL, open_history = NULL,
                closed_seqs = CASE WHEN closed_seqs IS NULL THEN '[' || ?3 || ']' ELSE substr(closed_seqs, 1, length(closed_seqs) - 1) || ',' || ?3 || ']' END,
                version = version + 1
            WHERE id = ?1
            """);
        _next = 0;
    }

    /// <summary>The two statements of an approval that applies, in one durable transaction, on a different customer each time.</summary>
    [Benchmark(OperationsPerInvoke = ApprovalsPerInvoke)]
    public void RawApproveWrites()
    {
        for (var i = 0; i < ApprovalsPerInvoke; i++)
        {
            var id = _customerIds[_next++];
            Step(_begin!);
            raw.sqlite3_bind_text(_first, 1, id);
            raw.sqlite3_bind_text(_first, 2, "2026-11-21T07:29:57.8829401+00:00");
            raw.sqlite3_bind_text(_first, 3, ClosedBody);
            raw.sqlite3_bind_text(_first, 4, AddedHistory);
            Step(_first!);
            if (raw.sqlite3_changes(_db) != 1)
            {
                throw new InvalidOperationException($"{id} had no open proposal to close.");
            }

            raw.sqlite3_bind_text(_second, 1, id);
            raw.sqlite3_bind_text(_second, 2, BenchmarkData.FieldsText);
            raw.sqlite3_bind_int64(_second, 3, raw.sqlite3_last_insert_rowid(_db));
            Step(_second!);
            Step(_commit!);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        foreach (var statement in new[] { _begin, _commit, _first, _second })
        {
            statement?.Dispose();
        }

        _db?.Dispose();
        (_begin, _commit, _first, _second, _db) = (null, null, null, null, null);
        BenchmarkData.DeleteDatabase(_path);
        _path = null;
        GC.SuppressFinalize(this);
    }

    private void Open()
    {
        Check(raw.sqlite3_open_v2(_path, out var db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE, null), "open");
        _db = db;
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
    }

    private void Exec(string sql) => Check(raw.sqlite3_exec(_db, sql), sql);

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var statement), sql);
        return statement;
    }

    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"SQLite step: {rc} {raw.sqlite3_errmsg(_db).utf8_to_string()}"));
        }
    }

    private void Check(int rc, string what)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"SQLite {what}: {rc} {raw.sqlite3_errmsg(_db).utf8_to_string()}"));
        }
    }
}
