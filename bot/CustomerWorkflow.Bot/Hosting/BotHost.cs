using CustomerWorkflow.Bot.Conversation;
using CustomerWorkflow.Bot.Graph;
using CustomerWorkflow.Bot.Scheduling;
using CustomerWorkflow.Bot.Imports;
using CustomerWorkflow.Bot.WebChat;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Storage.Cosmos;
using CustomerWorkflow.Storage.Sqlite;
using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration.Memory;

namespace CustomerWorkflow.Bot.Hosting;

/// <summary>Wires the host: configuration, the store, the engine, the protocol layer and the bot.</summary>
public static class BotHost
{
    public const string DefaultUrl = "http://localhost:3978";

    /// <summary>The arguments with <c>--db &lt;path&gt;</c> mapped to <c>Storage:Sqlite:Path</c>.</summary>
    public static string[] Arguments(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var mapped = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--db" && i + 1 < args.Length)
            {
                mapped.Add($"--{WorkflowHostOptions.DatabaseKey}={args[++i]}");
            }
            else
            {
                mapped.Add(args[i]);
            }
        }

        return [.. mapped];
    }

    /// <summary>
    /// Log levels the host starts from, as the ASP.NET Core templates' appsettings.json sets them: without them every
    /// turn writes eight Information lines (request start and end, endpoint, and four for the reply's HttpClient call),
    /// which cost more CPU than the turn itself. The product's own logs stay at Information.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> LoggingDefaults { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    public static WebApplicationBuilder AddCustomerWorkflowBot(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]) && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Below every other source, so appsettings, environment variables and arguments still override them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LoggingDefaults });

        var services = builder.Services;
        services.AddBotProtocol(configuration);
        services.AddSingleton(p => WorkflowHostOptions.From(p.GetRequiredService<IConfiguration>(), p.GetRequiredService<BotProtocolOptions>().IsAnonymous));
        // Before the background services, so Graph settings that cannot work stop the host before anything runs.
        services.AddGraph();
        services.AddSingleton(CosmosClientFrom);
        services.AddSingleton(StoreFrom);
        services.AddSingleton<IUserStore>(p => (IUserStore)p.GetRequiredService<IWorkflowStore>());
        services.AddSingleton<IIdempotencyStore>(p => (IIdempotencyStore)p.GetRequiredService<IWorkflowStore>());
        services.AddSingleton<IDeliveryStore>(p => (IDeliveryStore)p.GetRequiredService<IWorkflowStore>());
        services.AddSingleton<ApprovalCards>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<WebChat.WebChatChannel>();
        services.AddHostedService<DeliveryWorker>();
        services.AddWorkflows();
        services.AddSingleton(p => new UserDirectory(p.GetRequiredService<IUserStore>(), p.GetRequiredService<WorkflowHostOptions>().Admins));
        services.AddScoped<Notifier>();
        services.AddSingleton<Commands.CommandRunner>();
        services.AddSingleton<IBot, CustomerWorkflowBot>();
        services.AddHostedService<StoreInitializer>();
        // After the store initializer: reminders, escalations, automatic decisions, substitutes and the daily digest.
        services.AddWorkflowScheduler();
        services.AddImports();
        return builder;
    }

    /// <summary>The store <c>Storage:Provider</c> names; one instance serves all four storage ports.</summary>
    private static IWorkflowStore StoreFrom(IServiceProvider services)
    {
        var options = services.GetRequiredService<WorkflowHostOptions>();
        if (options.Cosmos is not { } cosmos)
        {
            return new SqliteWorkflowStore(new SqliteStoreOptions(options.DatabasePath));
        }

        return new CosmosWorkflowStore(services.GetRequiredService<CosmosClient>(), new CosmosStoreOptions
        {
            Database = cosmos.Database,
            Container = cosmos.Container,
            Throughput = cosmos.Throughput,
        });
    }

    /// <summary>The Cosmos DB client: with the account key when one is configured, otherwise signed in with Entra ID.</summary>
    private static CosmosClient CosmosClientFrom(IServiceProvider services)
    {
        var cosmos = services.GetRequiredService<WorkflowHostOptions>().Cosmos
            ?? throw new InvalidOperationException($"{WorkflowHostOptions.ProviderKey} is not Cosmos.");
        var credential = cosmos.Key is null
            ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = cosmos.ManagedIdentityClientId })
            : null;
        return CosmosConnection.CreateClient(cosmos.Endpoint, cosmos.Key, credential);
    }

    public static WebApplication MapCustomerWorkflowBot(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (WebChat.WebChatEndpoints.IsEnabled(app.Configuration, app.Services.GetRequiredService<BotProtocolOptions>()))
        {
            app.MapWebChat();
        }

        app.MapBotMessages("/api/messages");
        app.MapImportApi();
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
