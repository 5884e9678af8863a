using CustomerWorkflow.Bot.Conversation;
using CustomerWorkflow.Bot.WebChat;
using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Storage.Sqlite;
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
        services.AddSingleton(p => new SqliteWorkflowStore(new SqliteStoreOptions(p.GetRequiredService<WorkflowHostOptions>().DatabasePath)));
        services.AddSingleton<IWorkflowStore>(p => p.GetRequiredService<SqliteWorkflowStore>());
        services.AddSingleton<IUserStore>(p => p.GetRequiredService<SqliteWorkflowStore>());
        services.AddSingleton<IIdempotencyStore>(p => p.GetRequiredService<SqliteWorkflowStore>());
        services.AddSingleton<IDeliveryStore>(p => p.GetRequiredService<SqliteWorkflowStore>());
        services.AddSingleton<ApprovalCards>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<WebChat.WebChatChannel>();
        services.AddHostedService<DeliveryWorker>();
        services.AddSingleton(p => new ProposalEngine(p.GetRequiredService<IWorkflowStore>(), p.GetRequiredService<TimeProvider>()));
        services.AddSingleton(p => new UserDirectory(p.GetRequiredService<IUserStore>(), p.GetRequiredService<WorkflowHostOptions>().Admins));
        services.AddSingleton<Notifier>();
        services.AddSingleton<Commands.CommandRunner>();
        services.AddSingleton<IBot, CustomerWorkflowBot>();
        services.AddHostedService<StoreInitializer>();
        return builder;
    }

    public static WebApplication MapCustomerWorkflowBot(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (WebChat.WebChatEndpoints.IsEnabled(app.Configuration, app.Services.GetRequiredService<BotProtocolOptions>()))
        {
            app.MapWebChat();
        }

        app.MapBotMessages("/api/messages");
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
