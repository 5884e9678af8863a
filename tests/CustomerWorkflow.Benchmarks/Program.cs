using BenchmarkDotNet.Running;

// `dotnet run -c Release` runs every benchmark; `-- --filter *SetField*` runs one.
var arguments = args.Length == 0 ? ["--filter", "*"] : args;
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(arguments);
