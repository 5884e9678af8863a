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

    // Eight warm-up invocations (4 000 operations of a use case), not two, and (in the project file) tier-up without the
    // runtime's call-counting delay: with two and the default delay, the tiered JIT was still promoting the engine's
    // and the adapter's methods during the measured iterations, so SetField's iterations fell from about 240 to 135 us
    // within one run while the ceiling's short loop was steady from the first. The bot is a long-running process:
    // its steady state is what to measure. (The import has 21 prepared rounds, enough for 1 + 8 + 10 + 1 invocations.)
    private const int WarmupCount = 8;
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
