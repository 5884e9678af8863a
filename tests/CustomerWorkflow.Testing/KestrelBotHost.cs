using CustomerWorkflow.Bot.Hosting;
using CustomerWorkflow.Bot.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerWorkflow.Testing;

/// <summary>
/// The production bot host, wired as Program wires it, on Kestrel over loopback (a browser or a load generator needs a
/// real port). The one difference from production: its connector and authority clients also trust the test CA. A host
/// that fails to start throws what stopped it, as Program's <c>RunAsync</c> does.
/// </summary>
public static class KestrelBotHost
{
    /// <summary>The bot project's folder: the content root, so the web chat's wwwroot is served.</summary>
    public static string ContentRoot => Path.Combine(NodeScript.RepositoryRoot, "bot", "CustomerWorkflow.Bot");

    public static async Task<(WebApplication App, Uri BaseUrl)> StartAsync(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(BotHost).Assembly.GetName().Name,
            ContentRootPath = ContentRoot,
            Args = [],
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["urls"] = "http://127.0.0.1:0" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddCustomerWorkflowBot();
        builder.Services.AddHttpClient(BotProtocolServiceCollectionExtensions.ConnectorHttpClient).ConfigurePrimaryHttpMessageHandler(TestTls.CreateTrustingHandler);
        builder.Services.AddHttpClient(BotProtocolServiceCollectionExtensions.AuthorityHttpClient).ConfigurePrimaryHttpMessageHandler(TestTls.CreateTrustingHandler);
        var app = builder.Build();
        app.MapCustomerWorkflowBot();
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            // A start-up check refused the configuration: nothing of the host outlives the failure.
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return (app, new Uri($"http://127.0.0.1:{LoopbackApp.Port(app)}/"));
    }
}
