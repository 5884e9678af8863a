using CustomerWorkflow.Bot.Hosting;

// The bot host: /api/messages on http://localhost:3978 by default, SQLite, and the sample data in development.
var builder = WebApplication.CreateBuilder(BotHost.Arguments(args));
builder.AddCustomerWorkflowBot();
var app = builder.Build();
app.MapCustomerWorkflowBot();
await app.RunAsync();

/// <summary>The entry point, public so tests can host it (WebApplicationFactory).</summary>
public partial class Program;
