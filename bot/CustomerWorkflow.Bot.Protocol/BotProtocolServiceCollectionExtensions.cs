using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Bot.Protocol.Connector;
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
        var options = BotProtocolOptions.From(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<TrustedServiceUrls>();
        services.AddHttpClient(AuthorityHttpClient, client => client.Timeout = TimeSpan.FromSeconds(15));
        services.AddHttpClient(ConnectorHttpClient, client => client.Timeout = TimeSpan.FromSeconds(30));

        services.AddSingleton(provider => new SigningKeyCache(
            Client(provider, AuthorityHttpClient),
            options.ToBotFromChannelOpenIdMetadataUrl,
            new SigningKeyCacheOptions(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<SigningKeyCache>>()));
        services.AddSingleton(provider => new ChannelTokenValidator(
            options,
            provider.GetRequiredService<SigningKeyCache>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<ChannelTokenValidator>>(),
            provider.GetRequiredService<TrustedServiceUrls>()));
        services.AddSingleton<IChannelTokenProvider>(provider => new ClientCredentialsTokenProvider(
            Client(provider, AuthorityHttpClient),
            options,
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new ConnectorClient(
            Client(provider, ConnectorHttpClient),
            provider.GetRequiredService<IChannelTokenProvider>(),
            provider.GetRequiredService<TrustedServiceUrls>(),
            logger: provider.GetService<ILogger<ConnectorClient>>()));
        return services;
    }

    private static HttpClient Client(IServiceProvider provider, string name) =>
        provider.GetRequiredService<IHttpClientFactory>().CreateClient(name);
}
