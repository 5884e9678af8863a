using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CustomerWorkflow.Benchmarks;

/// <summary>
/// A short, fixed run for a small machine: each invocation does a fixed batch of operations
/// (<c>OperationsPerInvoke</c>), and the counts are fixed so a benchmark never uses more prepared data than it has.
/// </summary>
public sealed class BenchmarkConfig : ManualConfig
{
    /// <summary>Invocations a benchmark may make: JIT warm-up (1), warm-up and measured iterations, one to spare.</summary>
    public const int MaxInvocations = 1 + WarmupCount + IterationCount + 1;

    private const int WarmupCount = 2;
    private const int IterationCount = 10;

    public BenchmarkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(WarmupCount)
            .WithIterationCount(IterationCount)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("SQLite WAL FULL"));
        AddColumn(StatisticColumn.OperationsPerSecond);
    }
}
