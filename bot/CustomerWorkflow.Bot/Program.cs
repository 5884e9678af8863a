using CustomerWorkflow.Bot.Hosting;
using CustomerWorkflow.Bot.Teams;

// `manifest …` builds the Teams app package instead of starting the host.
if (AppPackageCommand.IsInvoked(args))
{
    return AppPackageCommand.Run(args[1..], AppPackageCommand.HostConfiguration(), Console.Out, Console.Error);
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
