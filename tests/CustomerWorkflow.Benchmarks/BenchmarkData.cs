using System.Globalization;
using System.Text;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Benchmarks;

/// <summary>Generated customers, fresh seeded databases on disk, and import files for the benchmarks.</summary>
public static class BenchmarkData
{
    public const int CustomerCount = 20_000;

    public static Actor Clerk { get; } = SampleData.Users.Single(u => u.Id == "sample-clerk");

    public static Actor Approver { get; } = SampleData.Users.Single(u => u.Id == "sample-approver");

    public static Actor Admin { get; } = SampleData.Users.Single(u => u.Id == "sample-admin");

    /// <summary>The sample customers repeated with new ids (<c>US-000001</c> …); every value stays valid under the catalog.</summary>
    public static IReadOnlyList<Customer> Customers { get; } = Enumerable.Range(1, CustomerCount).Select(n =>
    {
        var sample = SampleData.Customers[(n - 1) % SampleData.Customers.Count];
        var id = string.Create(CultureInfo.InvariantCulture, $"{sample.Id[..2]}-{n:D6}");
        return new Customer(id, sample.Values).With(FieldCatalog.Name, string.Create(CultureInfo.InvariantCulture, $"{sample.Name} #{n}"));
    }).ToList();

    /// <summary>Where the database files go: on disk under the artifacts folder (or <c>CUSTOMERWORKFLOW_BENCH_DIR</c>).</summary>
    public static string Folder { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("CUSTOMERWORKFLOW_BENCH_DIR") is { Length: > 0 } folder
            ? folder
            : Path.Combine("BenchmarkDotNet.Artifacts", "databases"));

    /// <summary>A customer's stored field map, of the size every benchmark customer has.</summary>
    public static string FieldsText { get; } = Core.Storage.StoredShapes.Fields(Customers[0].Values);

    public static string NewDatabasePath(string name)
    {
        Directory.CreateDirectory(Folder);
        return Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"{name}-{Guid.NewGuid():N}.db"));
    }

    /// <summary>A new database with the store's defaults (WAL, synchronous=FULL), all customers and the sample settings.</summary>
    public static async Task<SqliteWorkflowStore> CreateSeededStoreAsync(string path)
    {
        var store = new SqliteWorkflowStore(new SqliteStoreOptions(path));
        await store.InitializeAsync();
        foreach (var chunk in Customers.Chunk(1_000))
        {
            await store.CommitAsync(chunk.Select(c => new RecordWrite(c, null, 0, 0)).ToList());
        }

        await store.SaveSettingsAsync(SampleData.Settings, 0, [new SettingsChange(DateTimeOffset.UtcNow, Admin.Id, Admin.DisplayName, "Benchmark settings", "(none)", "loaded")]);
        return store;
    }

    /// <summary>
    /// Moves the WAL into the database file and syncs it, so a benchmark doesn't pay for the write-back of the setup's
    /// bulk writes in its first commits (each fsync of the WAL would otherwise flush megabytes of setup data).
    /// </summary>
    public static void Checkpoint(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using var reader = command.ExecuteReader();
        if (!reader.Read() || reader.GetInt32(0) != 0)
        {
            throw new InvalidOperationException($"The checkpoint of {path} was blocked by another connection.");
        }
    }

    public static void DeleteDatabase(string? path)
    {
        if (path is null)
        {
            return;
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>A raised credit limit: an approval-enabled field, so a change becomes a proposed change.</summary>
    public static string RaisedCreditLimit(Customer customer, int by) =>
        (decimal.Parse(customer[FieldCatalog.CreditLimit], CultureInfo.InvariantCulture) + by).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// An import file: <c>CustomerId,Phone,City,CreditLimit</c>. Every row changes Phone and City (not approval-enabled);
    /// the rows for <paramref name="proposing"/> also raise the credit limit, the others repeat the current one.
    /// </summary>
    public static byte[] ImportCsv(IReadOnlyList<Customer> free, IReadOnlyList<Customer> proposing, int round)
    {
        var csv = new StringBuilder("CustomerId,Phone,City,CreditLimit\n");
        var every = proposing.Count == 0 ? int.MaxValue : (free.Count + proposing.Count) / proposing.Count;
        int f = 0, p = 0;
        for (var row = 0; row < free.Count + proposing.Count; row++)
        {
            var propose = p < proposing.Count && (row % every == every - 1 || f == free.Count);
            var customer = propose ? proposing[p++] : free[f++];
            var limit = propose ? RaisedCreditLimit(customer, 1_000) : customer[FieldCatalog.CreditLimit];
            csv.Append(CultureInfo.InvariantCulture, $"{customer.Id},+1 555 {round:D3} {row:D6},{Quote($"{customer[FieldCatalog.City]} {round}")},{limit}\n");
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>Imports rows that raise the credit limit of these customers: one submitted proposal each.</summary>
    public static async Task<ImportSummary> ProposeByImportAsync(Core.Engine.ProposalEngine engine, IReadOnlyList<Customer> customers)
    {
        using var stream = new MemoryStream(ImportCsv([], customers, 0));
        var summary = await engine.ImportAsync(Admin, ImportReaders.ReadCsvAsync(stream));
        return summary.SubmittedProposals.Count == customers.Count
            ? summary
            : throw new InvalidOperationException($"Preparing proposals: {summary.SubmittedProposals.Count} of {customers.Count} submitted; rejected {summary.Rejected}: {(summary.FirstRejections.Count > 0 ? summary.FirstRejections[0].Reason : null)}; {string.Join("; ", summary.Problems.Take(3))}");
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>The settings the benchmarks rely on: approvals on, imports propose, credit limit gated.</summary>
    public static void CheckSettings()
    {
        var s = SampleData.Settings;
        if (!s.ApprovalsEnabled || s.ImportBehaviour != ImportBehaviour.Propose || !s.RequiresApproval(FieldCatalog.CreditLimit)
            || s.RequiresApproval(FieldCatalog.Phone) || s.RequiresApproval(FieldCatalog.City) || s.Steps.Count != 1
            || !s.Steps[0].Approvers.Contains(Approver.Id))
        {
            throw new InvalidOperationException("The benchmarks expect SampleData.Settings: approvals on, imports propose, CreditLimit gated, Phone and City free, one step approved by sample-approver.");
        }
    }
}
