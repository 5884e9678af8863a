using BenchmarkDotNet.Attributes;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Benchmarks;

/// <summary>
/// The engine on SQLite on disk with the store's defaults (WAL, synchronous=FULL), each benchmark against a fresh
/// database of <see cref="BenchmarkData.CustomerCount"/> customers, with <see cref="SampleData.Settings"/>.
/// <see cref="CommitCeiling"/> is the disk's own limit for durable single-row commits, to compare the others with.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class WorkflowBenchmarks : IDisposable
{
    private const int CommitsPerInvoke = 2_000;
    private const int SetsPerInvoke = 500;
    private const int ApprovalsPerInvoke = 500;
    private const int ReadsPerInvoke = 5_000;
    private const int OpenProposalsToRead = 1_000;
    private const int ImportRows = 10_000;

    // Import: 1 row in 20 raises a credit limit (a proposal, submitted at the end), on customers never proposed before.
    private const int ImportProposalRows = ImportRows / 20;

    private string? _path;
    private SqliteWorkflowStore? _store;
    private ProposalEngine _engine = null!;
    private int _next;

    private SqliteConnection? _ceiling;
    private SqliteCommand? _insert;
    private string _payload = string.Empty;

    private List<string> _proposalIds = [];
    private List<string> _customersWithProposal = [];
    private List<byte[]> _imports = [];

    // ---- the disk's ceiling ----

    [GlobalSetup(Target = nameof(CommitCeiling))]
    public void SetupCeiling()
    {
        SQLitePCL.Batteries_V2.Init();
        _path = BenchmarkData.NewDatabasePath("ceiling");
        _ceiling = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        _ceiling.Open();
        using (var pragmas = _ceiling.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);";
            pragmas.ExecuteNonQuery();
        }

        _insert = _ceiling.CreateCommand();
        _insert.CommandText = "INSERT INTO rows (id, payload) VALUES ($id, $payload)";
        _insert.Parameters.Add("$id", SqliteType.Integer);
        _insert.Parameters.Add("$payload", SqliteType.Text);
        // About the size of a stored customer row.
        _payload = new string('x', 600);
        _next = 0;
    }

    /// <summary>One INSERT in its own transaction: what a durable commit costs on this disk.</summary>
    [Benchmark(OperationsPerInvoke = CommitsPerInvoke)]
    public void CommitCeiling()
    {
        for (var i = 0; i < CommitsPerInvoke; i++)
        {
            using var tx = _ceiling!.BeginTransaction();
            _insert!.Transaction = tx;
            _insert.Parameters[0].Value = ++_next;
            _insert.Parameters[1].Value = _payload;
            _insert.ExecuteNonQuery();
            tx.Commit();
        }
    }

    // ---- set ----

    [GlobalSetup(Target = nameof(SetField))]
    public async Task SetupSetField()
    {
        await OpenSeededAsync("set");
        BenchmarkData.Checkpoint(_path!);
    }

    /// <summary>A clerk's <c>set</c> of the credit limit (approval-enabled): a proposed change, on a different customer each time.</summary>
    [Benchmark(OperationsPerInvoke = SetsPerInvoke)]
    public async Task SetField()
    {
        for (var i = 0; i < SetsPerInvoke; i++)
        {
            var n = _next++;
            var customer = BenchmarkData.Customers[n % BenchmarkData.Customers.Count];
            // A second round on the same customer raises it again, so the value always changes.
            var value = BenchmarkData.RaisedCreditLimit(customer, 1 + (n / BenchmarkData.Customers.Count));
            var result = await _engine.SetFieldsAsync(BenchmarkData.Clerk, customer.Id, [new(FieldCatalog.CreditLimit, value)]);
            if (result.Changes[0].Kind != FieldChangeKind.Proposed)
            {
                throw new InvalidOperationException($"Expected a proposed change on {customer.Id}, got {result.Changes[0].Kind}.");
            }
        }
    }

    // ---- approve ----

    [GlobalSetup(Target = nameof(ApproveToApplied))]
    public async Task SetupApprove()
    {
        await OpenSeededAsync("approve");
        var count = ApprovalsPerInvoke * BenchmarkConfig.MaxInvocations;
        var summary = await BenchmarkData.ProposeByImportAsync(_engine, BenchmarkData.Customers.Take(count).ToList());
        _proposalIds = summary.SubmittedProposals.ToList();
        BenchmarkData.Checkpoint(_path!);
    }

    /// <summary>The approver approves a submitted proposal; its one step completes, so it is applied in the same write.</summary>
    [Benchmark(OperationsPerInvoke = ApprovalsPerInvoke)]
    public async Task ApproveToApplied()
    {
        for (var i = 0; i < ApprovalsPerInvoke; i++)
        {
            if (_next >= _proposalIds.Count)
            {
                throw new InvalidOperationException($"All {_proposalIds.Count} prepared proposals are used: raise BenchmarkConfig.MaxInvocations.");
            }

            var result = await _engine.ApproveAsync(BenchmarkData.Approver, _proposalIds[_next++]);
            if (result.Proposal.Status != ProposalStatus.Applied)
            {
                throw new InvalidOperationException($"Expected {result.Proposal.Id} to be applied, it is {result.Proposal.Status}.");
            }
        }
    }

    // ---- read ----

    [GlobalSetup(Target = nameof(ReadCustomerWithProposal))]
    public async Task SetupRead()
    {
        await OpenSeededAsync("read");
        var customers = BenchmarkData.Customers.Take(OpenProposalsToRead).ToList();
        await BenchmarkData.ProposeByImportAsync(_engine, customers);
        _customersWithProposal = customers.Select(c => c.Id).ToList();
        BenchmarkData.Checkpoint(_path!);
    }

    /// <summary>A customer with its open (pending) proposal and the settings, as the <c>customer</c> command reads it.</summary>
    [Benchmark(OperationsPerInvoke = ReadsPerInvoke)]
    public async Task ReadCustomerWithProposal()
    {
        for (var i = 0; i < ReadsPerInvoke; i++)
        {
            var view = await _engine.GetCustomerAsync(_customersWithProposal[_next++ % _customersWithProposal.Count]);
            if (view.OpenProposal is null)
            {
                throw new InvalidOperationException($"{view.Customer.Id} has no open proposal.");
            }
        }
    }

    // ---- import ----

    [GlobalSetup(Target = nameof(Import10000Rows))]
    public async Task SetupImport()
    {
        await OpenSeededAsync("import");
        // Free rows always go to the same customers (never proposed), proposal rows to fresh customers each round.
        var free = BenchmarkData.Customers.Take(ImportRows - ImportProposalRows).ToList();
        var fresh = BenchmarkData.Customers.Skip(free.Count).ToList();
        var rounds = fresh.Count / ImportProposalRows;
        if (rounds < BenchmarkConfig.MaxInvocations)
        {
            throw new InvalidOperationException($"{BenchmarkData.CustomerCount} customers give {rounds} import rounds, fewer than {BenchmarkConfig.MaxInvocations}.");
        }

        _imports = Enumerable.Range(0, rounds)
            .Select(r => BenchmarkData.ImportCsv(free, fresh.Skip(r * ImportProposalRows).Take(ImportProposalRows).ToList(), r + 1))
            .ToList();
        BenchmarkData.Checkpoint(_path!);
    }

    /// <summary>An admin imports 10 000 CSV rows under "create change proposals": 95 % free-field changes, 5 % proposals.</summary>
    [Benchmark]
    public async Task Import10000Rows()
    {
        if (_next >= _imports.Count)
        {
            throw new InvalidOperationException($"All {_imports.Count} prepared import files are used: raise the customer count.");
        }

        using var stream = new MemoryStream(_imports[_next++], writable: false);
        var summary = await _engine.ImportAsync(BenchmarkData.Admin, ImportReaders.ReadCsvAsync(stream));
        if (summary.Rows != ImportRows || summary.Rejected != 0 || summary.Proposed != ImportProposalRows || summary.SubmittedProposals.Count != ImportProposalRows)
        {
            throw new InvalidOperationException($"Import: {summary.Rows} rows, {summary.Applied} applied, {summary.Proposed} proposed, {summary.Rejected} rejected ({(summary.FirstRejections.Count > 0 ? summary.FirstRejections[0].Reason : null)}), {summary.SubmittedProposals.Count} submitted.");
        }
    }

    // ---- shared ----

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        _insert?.Dispose();
        _ceiling?.Dispose();
        _store?.Dispose();
        (_insert, _ceiling, _store) = (null, null, null);
        BenchmarkData.DeleteDatabase(_path);
        _path = null;
        GC.SuppressFinalize(this);
    }

    private async Task OpenSeededAsync(string name)
    {
        BenchmarkData.CheckSettings();
        _path = BenchmarkData.NewDatabasePath(name);
        _store = await BenchmarkData.CreateSeededStoreAsync(_path);
        _engine = new ProposalEngine(_store, TimeProvider.System);
        _next = 0;
    }
}
