using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Benchmarks;

/// <summary>
/// The 100 000-row import under each data entity behaviour (<see cref="Import100k"/>): the production path, on a fresh copy
/// of a database of 100 000 customers for every invocation, with durable commits. BenchmarkDotNet's memory diagnoser
/// gives what an import allocates; its peak memory and rows per second come from <c>--import-100k</c>, which runs each
/// import in a process of its own.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class Import100kBenchmarks : IDisposable
{
    private static readonly Lazy<(string Template, string Csv)> _prepared = new(Prepare);

    private string? _database;

    [Params(ImportBehaviour.Allow, ImportBehaviour.Reject, ImportBehaviour.Propose)]
    public ImportBehaviour Behaviour { get; set; }

    /// <summary>A fresh copy of the prepared database (prepared once, on the first call; never measured).</summary>
    [IterationSetup]
    public void FreshDatabase()
    {
        BenchmarkData.DeleteDatabase(_database);
        _database = BenchmarkData.NewDatabasePath("import-100k-" + Behaviour.ToString().ToLowerInvariant());
        File.Copy(_prepared.Value.Template, _database);
    }

    /// <summary>One import of 100 000 rows, checked against what the behaviour must come to.</summary>
    [Benchmark(OperationsPerInvoke = Import100k.Rows)]
    public async Task Import100000Rows()
    {
        var result = await Import100k.ImportAsync(_database!, _prepared.Value.Csv, Behaviour);
        Import100k.Check(result.Record, Behaviour, Import100k.Rows);
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        BenchmarkData.DeleteDatabase(_database);
        _database = null;
        GC.SuppressFinalize(this);
    }

    private static (string Template, string Csv) Prepare()
    {
        var template = BenchmarkData.NewDatabasePath("import-100k-template");
        var csv = Path.ChangeExtension(template, ".csv");
        Import100k.CreateDatabaseAsync(template, Import100k.Rows).GetAwaiter().GetResult();
        Import100k.WriteCsv(csv, Import100k.Rows);
        return (template, csv);
    }

    /// <summary>Each invocation imports 100 000 rows (seconds, not microseconds): one warm-up and three measured invocations.</summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(1)
                .WithIterationCount(3)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithId("SQLite WAL FULL"));
            AddColumn(StatisticColumn.OperationsPerSecond);
        }
    }
}
