using BenchmarkDotNet.Running;
using CustomerWorkflow.Benchmarks;

// `dotnet run -c Release` runs every benchmark; `-- --filter *SetField*` runs one;
// `-- --wal-frames [ops]` counts the WAL frames each use case writes per commit (no timing, see WalFrames).
// `-- --import-100k [rows]` measures the 100 000-row import: rows per second and peak memory per behaviour (see Import100k).
if (args.Length > 0 && args[0] == "--import-100k")
{
    await Import100k.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : Import100k.Rows);
    return;
}

if (args.Length == 5 && args[0] == "--import-100k-child")
{
    await Import100k.RunChildAsync(args[1], args[2], Enum.Parse<CustomerWorkflow.Core.Settings.ImportBehaviour>(args[3]), int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args.Length > 0 && args[0] == "--wal-frames")
{
    await WalFrames.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000);
    return;
}

var arguments = args.Length == 0 ? ["--filter", "*"] : args;
BenchmarkSwitcher.FromAssembly(typeof(WorkflowBenchmarks).Assembly).Run(arguments);
