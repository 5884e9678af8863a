using CustomerWorkflow.Bot.Protocol.Authentication;
using CustomerWorkflow.Bot.Protocol.Connector;
using CustomerWorkflow.Bot.Protocol.Tests.Authentication;
using CustomerWorkflow.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Protocol.Tests;

public sealed class BotProtocolServiceCollectionExtensionsTests(SharedChannelAuthority shared) : IClassFixture<SharedChannelAuthority>
{
    private readonly ChannelAuthority _authority = shared.Authority;

    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddBotProtocol(configuration);
        // Only the tests trust the test CA; the product's handlers keep the system's roots.
        services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(TestTls.CreateTrustingHandler));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task Configured_ValidatesAgainstTheConfiguredAuthority_AndTrustsTheServiceUrl()
    {
        await using var provider = Build(
            ("MicrosoftAppId", ChannelAuthority.AppId),
            ("MicrosoftAppPassword", "secret"),
            ("ToBotFromChannelOpenIdMetadataUrl", _authority.Server.MetadataUrl));

        var validator = provider.GetRequiredService<ChannelTokenValidator>();
        var result = await validator.AuthenticateAsync("Bearer " + ChannelAuthority.Token(), ChannelAuthority.Activity(), CancellationToken.None);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.True(provider.GetRequiredService<TrustedServiceUrls>().IsTrusted(ChannelAuthority.ServiceUrl));
        Assert.Same(provider.GetRequiredService<TrustedServiceUrls>(), provider.GetRequiredService<TrustedServiceUrls>());
        Assert.IsType<ClientCredentialsTokenProvider>(provider.GetRequiredService<IChannelTokenProvider>());
        Assert.NotNull(provider.GetRequiredService<ConnectorClient>());
    }

    [Fact]
    public async Task WithoutAppId_IsAnonymous_AndHasNoChannelToken()
    {
        await using var provider = Build();

        Assert.True(provider.GetRequiredService<BotProtocolOptions>().IsAnonymous);
        Assert.Null(await provider.GetRequiredService<IChannelTokenProvider>().GetTokenAsync(CancellationToken.None));
        var result = await provider.GetRequiredService<ChannelTokenValidator>()
            .AuthenticateAsync(null, ChannelAuthority.Activity(), CancellationToken.None);
        Assert.True(result.IsAnonymous);
    }
}
