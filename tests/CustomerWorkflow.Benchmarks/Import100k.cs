using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerWorkflow.Bot.Imports;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerWorkflow.Benchmarks;

/// <summary>
/// The 100 000-row import, shared by the BenchmarkDotNet cases (<see cref="Import100kBenchmarks"/>) and the measurement of
/// rows per second and peak memory (<c>--import-100k</c>): a database of 100 000 customers, and a CSV file of one row per
/// customer that changes Phone and City (free fields) on every row and raises the credit limit (an approval field) on
/// every tenth; every thousandth row names a customer that does not exist. So under <i>allow</i> 99.9 % of rows apply,
/// under <i>reject</i> the tenth that raise a limit are rejected, and under <i>propose</i> they become 10 000 proposals,
/// submitted at the end. The import runs the production path: the file check, the reader, the engine in chunks, and the
/// import log, on SQLite with durable commits.
/// </summary>
public static class Import100k
{
    public const int Rows = 100_000;

    public static Actor Admin => BenchmarkData.Admin;

    /// <summary>Customer number <paramref name="n"/> (from 1): a sample customer with a new id, valid under the catalog.</summary>
    public static Customer Customer(int n)
    {
        var sample = SampleData.Customers[(n - 1) % SampleData.Customers.Count];
        var id = string.Create(CultureInfo.InvariantCulture, $"{sample.Id[..2]}-{n:D6}");
        return new Customer(id, sample.Values).With(FieldCatalog.Name, string.Create(CultureInfo.InvariantCulture, $"{sample.Name} #{n}"));
    }

    /// <summary>A database of <paramref name="customers"/> customers and the sample settings, checkpointed.</summary>
    public static async Task CreateDatabaseAsync(string path, int customers)
    {
        using (var store = new SqliteWorkflowStore(new SqliteStoreOptions(path) { DurableCommits = false }))
        {
            await store.InitializeAsync();
            for (var first = 1; first <= customers; first += 1_000)
            {
                var count = Math.Min(1_000, customers - first + 1);
                await store.CommitAsync(Enumerable.Range(first, count).Select(n => new RecordWrite(Customer(n), null, 0, 0)).ToList());
            }

            await store.SaveSettingsAsync(SampleData.Settings, 0, [new SettingsChange(DateTimeOffset.UtcNow, Admin.Id, Admin.DisplayName, "Benchmark settings", "(none)", "loaded")]);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        BenchmarkData.Checkpoint(path);
    }

    /// <summary>The import file, written to <paramref name="path"/> a row at a time.</summary>
    public static void WriteCsv(string path, int rows)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        writer.Write("CustomerId,Phone,City,CreditLimit\n");
        for (var n = 1; n <= rows; n++)
        {
            var customer = Customer(n);
            var id = n % 1_000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"ZZ-{n:D6}") : customer.Id;
            var limit = n % 10 == 0 ? BenchmarkData.RaisedCreditLimit(customer, 1_000) : customer[FieldCatalog.CreditLimit];
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{id},+1 555 {n:D7},{customer[FieldCatalog.City]} {n % 7},{limit}\n"));
        }
    }

    /// <summary>Imports the file as the admin would from the command line; returns the import's record.</summary>
    internal static async Task<ImportResult> ImportAsync(string databasePath, string csvPath, ImportBehaviour behaviour)
    {
        using var store = new SqliteWorkflowStore(new SqliteStoreOptions(databasePath));
        await store.InitializeAsync();
        var engine = new ProposalEngine(store, TimeProvider.System);
        await engine.SetImportBehaviourAsync(Actor.System, behaviour);
        var service = new ImportService(engine, store, new ImportSettings { MaxBytes = 200L * 1024 * 1024 }, TimeProvider.System, NullLogger<ImportService>.Instance);
        var stream = new FileStream(csvPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var file = await ImportFile.ReadAsync(stream, Path.GetFileName(csvPath), null, 200L * 1024 * 1024, CancellationToken.None);
            await using (file.ConfigureAwait(false))
            {
                return await service.RunAsync(new ImportRequest(Admin, ImportEntryPoint.Cli, file));
            }
        }
    }

    /// <summary>What each behaviour must come to on this file, so a benchmark that measured something else fails.</summary>
    public static void Check(ImportRecord record, ImportBehaviour behaviour, int rows)
    {
        var missing = rows / 1_000;
        var raising = rows / 10 - rows / 1_000;
        (int Applied, int Proposed, int Rejected) expected = behaviour switch
        {
            ImportBehaviour.Allow => (rows - missing, 0, missing),
            ImportBehaviour.Reject => (rows - missing - raising, 0, missing + raising),
            _ => (rows - missing - raising, raising, missing),
        };
        if ((record.Rows, record.Applied, record.Proposed, record.Rejected) != (rows, expected.Applied, expected.Proposed, expected.Rejected)
            || record.Status != ImportStatus.Completed || (behaviour == ImportBehaviour.Propose && record.Submitted != raising))
        {
            throw new InvalidOperationException($"{behaviour}: {record.Rows} rows, {record.Applied} applied, {record.Proposed} proposed, {record.Rejected} rejected, {record.Submitted} submitted; expected {expected}.");
        }
    }

    /// <summary>
    /// <c>--import-100k [rows]</c>: prepares the database and the file once, then imports under each behaviour in a process
    /// of its own (a fresh copy of the database each), so each peak is that import's alone; prints rows per second, peak
    /// working set and peak managed heap. The children run with server GC, as the bot host does.
    /// </summary>
    public static async Task RunAsync(int rows)
    {
        var folder = Path.Combine(BenchmarkData.Folder, "import-100k");
        Directory.CreateDirectory(folder);
        var template = Path.Combine(folder, "template.db");
        var csv = Path.Combine(folder, "customers.csv");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Import of {rows:N0} CSV rows (SQLite, durable commits), load average {LoadAverage()}, {Environment.ProcessorCount} cores"));
        BenchmarkData.DeleteDatabase(template);
        var prepare = Stopwatch.StartNew();
        await CreateDatabaseAsync(template, rows);
        WriteCsv(csv, rows);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prepared {rows:N0} customers and a {new FileInfo(csv).Length / 1024.0 / 1024:0.0} MB file in {prepare.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine();
        Console.WriteLine("| behaviour | rows/s | seconds | CPU seconds | applied | proposed | rejected | peak working set | peak managed heap | allocated per row | heap after (full GC) | load average after |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var behaviour in new[] { ImportBehaviour.Allow, ImportBehaviour.Reject, ImportBehaviour.Propose })
        {
            var database = Path.Combine(folder, $"{behaviour}.db".ToLowerInvariant());
            BenchmarkData.DeleteDatabase(database);
            File.Copy(template, database);
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            start.Environment["DOTNET_gcServer"] = "1";
            foreach (var arg in new[] { "--import-100k-child", database, csv, behaviour.ToString(), rows.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }

            if (!Environment.ProcessPath!.EndsWith("CustomerWorkflow.Benchmarks", StringComparison.Ordinal) && !Environment.ProcessPath.EndsWith(".exe", StringComparison.Ordinal))
            {
                // Started through `dotnet <dll>`: the child too.
                start.ArgumentList.Insert(0, typeof(Import100k).Assembly.Location);
            }

            using var child = Process.Start(start)!;
            var line = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            Console.WriteLine(child.ExitCode == 0 ? line.TrimEnd() + $" {LoadAverage()} |" : $"| {behaviour} | failed ({child.ExitCode}): {line.Trim()} |");
            BenchmarkData.DeleteDatabase(database);
        }
    }

    /// <summary>
    /// One import in this process: prints a table row with its rows per second, the CPU time it took (which other work on the
    /// machine moves far less than the wall clock), the process's peaks, what it allocated per row and what was still alive
    /// after it (the peak is mostly garbage the GC had not yet collected).
    /// </summary>
    public static async Task RunChildAsync(string database, string csv, ImportBehaviour behaviour, int rows)
    {
        using var sampler = new PeakSampler();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await ImportAsync(database, csv, behaviour);
        clock.Stop();
        sampler.Sample();
        Check(result.Record, behaviour, rows);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        cpu = process.TotalProcessorTime - cpu;
        var allocated = GC.GetTotalAllocatedBytes();
        var retained = GC.GetTotalMemory(forceFullCollection: true);
        var r = result.Record;
        Console.Write(string.Create(CultureInfo.InvariantCulture,
            $"| {behaviour.ToString().ToLowerInvariant()} | {rows / clock.Elapsed.TotalSeconds:N0} | {clock.Elapsed.TotalSeconds:0.00} | {cpu.TotalSeconds:0.00} | {r.Applied:N0} | {r.Proposed:N0} ({r.Submitted:N0} submitted) | {r.Rejected:N0} | {process.PeakWorkingSet64 / 1024.0 / 1024:0} MB | {sampler.PeakManaged / 1024.0 / 1024:0} MB | {allocated / rows:N0} B | {retained / 1024.0 / 1024:0} MB |"));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Samples the managed heap every 20 ms (the runtime keeps no peak of its own; the OS keeps the working set's).</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakSampler() => _timer = new Timer(_ => Sample(), null, 0, 20);

        public long PeakManaged => Interlocked.Read(ref _peak);

        public void Sample()
        {
            var now = GC.GetTotalMemory(forceFullCollection: false);
            long seen;
            while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
            {
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}
