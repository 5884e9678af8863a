using BenchmarkDotNet.Running;
using CustomerWorkflow.Benchmarks;

// `dotnet run -c Release` runs every benchmark; `-- --filter *SetField*` runs one;
// `-- --wal-frames [ops]` counts the WAL frames each use case writes per commit (no timing, see WalFrames).
if (args.Length > 0 && args[0] == "--wal-frames")
{
    await WalFrames.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000);
    return;
}

var arguments = args.Length == 0 ? ["--filter", "*"] : args;
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments);
