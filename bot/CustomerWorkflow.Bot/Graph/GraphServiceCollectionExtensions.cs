using CustomerWorkflow.Bot.Protocol;
using CustomerWorkflow.Bot.Protocol.Connector;

namespace CustomerWorkflow.Bot.Graph;

internal static class GraphServiceCollectionExtensions
{
    /// <summary>The HttpClient that reaches Microsoft Graph (tests give it a handler that trusts their CA).</summary>
    public const string HttpClientName = "CustomerWorkflow.Bot.Graph";

    /// <summary>
    /// Registers the Graph client, the proactive installer and the people finder. All are inert unless <c>Graph:Enabled</c>: the settings
    /// are read when first needed (from the configuration the host ends up with) and checked at start.
    /// </summary>
    public static IServiceCollection AddGraph(this IServiceCollection services)
    {
        services.AddSingleton(p => GraphOptions.From(p.GetRequiredService<IConfiguration>(), p.GetRequiredService<BotProtocolOptions>()));
        services.AddSingleton<GraphCache>();
        services.AddSingleton(p =>
        {
            var options = p.GetRequiredService<GraphOptions>();
            var bot = p.GetRequiredService<BotProtocolOptions>();
            var authority = p.GetRequiredService<IHttpClientFactory>().CreateClient(BotProtocolServiceCollectionExtensions.AuthorityHttpClient);
            return new GraphTokens(options.Audience is { } audience
                ? audience.CreateProvider(bot, authority, p.GetRequiredService<TimeProvider>())
                : new NoToken());
        });
        services.AddHttpClient<GraphClient>(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddTransient<ProactiveInstaller>();
        services.AddSingleton<PeopleFinder>();
        services.AddHostedService<GraphSettingsCheck>();
        return services;
    }

    private sealed class NoToken : IChannelTokenProvider
    {
        public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
    }

    /// <summary>Reads the Graph settings at start, so a setting that cannot work stops the host with its key named.</summary>
    private sealed class GraphSettingsCheck(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<GraphOptions>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
