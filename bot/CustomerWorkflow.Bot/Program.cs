using CustomerWorkflow.Bot;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Samples;
using CustomerWorkflow.Storage.Sqlite;

// Opens (or creates) the local database, seeds the sample data into an empty one, and shows what is in it.
if (!BotHostOptions.TryParse(args, Environment.GetEnvironmentVariable(BotHostOptions.DatabaseVariable), out var options, out var error))
{
    await Console.Error.WriteLineAsync(error);
    await Console.Error.WriteLineAsync(BotHostOptions.Usage);
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(BotHostOptions.Usage);
    return 0;
}

using var store = new SqliteWorkflowStore(new SqliteStoreOptions(options.DatabasePath));
await store.InitializeAsync();
var seeded = await SampleData.SeedAsync(store);

var engine = new ProposalEngine(store, TimeProvider.System);
await StartupSummary.WriteAsync(Console.Out, store, engine, options.DatabasePath, seeded);
return 0;
