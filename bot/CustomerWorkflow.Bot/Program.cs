using CustomerWorkflow.Bot.Hosting;
using CustomerWorkflow.Bot.Imports;
using CustomerWorkflow.Bot.Teams;

// `manifest …` builds the Teams app package instead of starting the host.
if (AppPackageCommand.IsInvoked(args))
{
    return AppPackageCommand.Run(args[1..], AppPackageCommand.HostConfiguration(), Console.Out, Console.Error);
}

// `import <file> --as <user>` imports customers from a file with the host's configuration instead of starting it.
if (ImportCommand.IsInvoked(args))
{
    // Ctrl+C stops the import between chunks, so what was written is still recorded and summed up.
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    return await ImportCommand.RunAsync(args[1..], null, Console.Out, Console.Error, progress: !Console.IsErrorRedirected, stop.Token);
}

// The bot host: /api/messages on http://localhost:3978 by default, SQLite, and the sample data in development.
var builder = WebApplication.CreateBuilder(BotHost.Arguments(args));
builder.AddCustomerWorkflowBot();
var app = builder.Build();
app.MapCustomerWorkflowBot();
await app.RunAsync();
return 0;

/// <summary>The entry point, public so tests can host it (WebApplicationFactory).</summary>
public partial class Program;
