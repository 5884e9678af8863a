using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CustomerWorkflow.Bot.Protocol;

public static class BotProtocolServiceCollectionExtensions
{
    /// <summary>The HttpClient that reaches the authorities (OpenID metadata, keys, token endpoint).</summary>
    public const string AuthorityHttpClient = "CustomerWorkflow.Bot.Protocol.Authority";

    /// <summary>The HttpClient that reaches the Bot Connector.</summary>
    public const string ConnectorHttpClient = "CustomerWorkflow.Bot.Protocol.Connector";

    /// <summary>
    /// Registers the protocol layer from the SDK's flat keys at the root of <paramref name="configuration"/>: the
    /// options, the key cache and token validator, the trusted serviceUrls, the channel token and the connector client.
    /// </summary>
    public static IServiceCollection AddBotProtocol(this IServiceCollection services, IConfiguration configuration)
    {
        // Options are read when first needed, from the configuration the host ends up with (tests add theirs late).
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => BotProtocolOptions.From(provider.GetService<IConfiguration>() ?? configuration));
        services.AddSingleton(provider => new TrustedServiceUrls(provider.GetRequiredService<BotProtocolOptions>().AllowedServiceUrlHosts));
        services.AddHttpClient(AuthorityHttpClient, client => client.Timeout = TimeSpan.FromSeconds(15));
        services.AddHttpClient(ConnectorHttpClient, client => client.Timeout = TimeSpan.FromSeconds(30));

        services.AddSingleton(provider => new SigningKeyCache(
            Client(provider, AuthorityHttpClient),
            provider.GetRequiredService<BotProtocolOptions>().ToBotFromChannelOpenIdMetadataUrl,
            new SigningKeyCacheOptions(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<SigningKeyCache>>()));
        services.AddSingleton(provider => new ChannelTokenValidator(
            provider.GetRequiredService<BotProtocolOptions>(),
            provider.GetRequiredService<SigningKeyCache>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<ChannelTokenValidator>>(),
            provider.GetRequiredService<TrustedServiceUrls>()));
        services.TryAddSingleton<IChannelTokenProvider>(provider =>
        {
            var options = provider.GetRequiredService<BotProtocolOptions>();
            return TokenAudience.Channel(options).CreateProvider(options, Client(provider, AuthorityHttpClient), provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(provider => new ConnectorClient(
            Client(provider, ConnectorHttpClient),
            provider.GetRequiredService<IChannelTokenProvider>(),
            provider.GetRequiredService<TrustedServiceUrls>(),
            logger: provider.GetService<ILogger<ConnectorClient>>()));
        services.TryAddSingleton<IActivityDeduplicator>(provider => new MemoryActivityDeduplicator(provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new BotAdapter(
            provider.GetRequiredService<BotProtocolOptions>(),
            provider.GetRequiredService<ChannelTokenValidator>(),
            provider.GetRequiredService<ConnectorClient>(),
            provider.GetRequiredService<IActivityDeduplicator>(),
            provider.GetService<ILogger<BotAdapter>>()));
        services.AddHostedService<AnonymousModeGuard>();
        return services;
    }

    private static HttpClient Client(IServiceProvider provider, string name) =>
        provider.GetRequiredService<IHttpClientFactory>().CreateClient(name);
}
