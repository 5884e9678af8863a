using Microsoft.Extensions.Configuration;

namespace CustomerWorkflow.Bot.Protocol.Tests;

public class BotProtocolOptionsTests
{
    private static BotProtocolOptions Bind(params (string Key, string Value)[] settings) =>
        BotProtocolOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Empty_IsAnonymous_WithTheBotFrameworkDefaults()
    {
        var options = Bind();

        Assert.True(options.IsAnonymous);
        Assert.Equal("https://login.botframework.com/v1/.well-known/openidconfiguration", options.ToBotFromChannelOpenIdMetadataUrl);
        Assert.Equal("https://api.botframework.com", options.ToBotFromChannelTokenIssuer);
        Assert.Equal("https://api.botframework.com", options.ToChannelFromBotOAuthScope);
        Assert.Equal("https://login.microsoftonline.com/botframework.com", options.EffectiveLoginUrl);
        Assert.True(options.ValidateAuthority);
    }

    [Fact]
    public void SdkFlatKeys_AreBound()
    {
        var options = Bind(
            ("MicrosoftAppType", "SingleTenant"),
            ("MicrosoftAppId", "app-id"),
            ("MicrosoftAppPassword", "secret"),
            ("MicrosoftAppTenantId", "tenant-1"),
            ("ToBotFromChannelOpenIdMetadataUrl", "https://login.botframework.azure.us/v1/.well-known/openidconfiguration"),
            ("ToBotFromChannelTokenIssuer", "https://api.botframework.us"),
            ("ToChannelFromBotOAuthScope", "https://api.botframework.us"),
            ("ValidateAuthority", "false"));

        Assert.False(options.IsAnonymous);
        Assert.Equal("SingleTenant", options.MicrosoftAppType);
        Assert.Equal("app-id", options.MicrosoftAppId);
        Assert.Equal("secret", options.MicrosoftAppPassword);
        Assert.Equal("tenant-1", options.MicrosoftAppTenantId);
        Assert.Equal("https://login.botframework.azure.us/v1/.well-known/openidconfiguration", options.ToBotFromChannelOpenIdMetadataUrl);
        Assert.Equal("https://api.botframework.us", options.ToBotFromChannelTokenIssuer);
        Assert.Equal("https://api.botframework.us", options.ToChannelFromBotOAuthScope);
        Assert.False(options.ValidateAuthority);
    }

    [Fact]
    public void SingleTenant_LogsInAtItsTenant()
    {
        var options = Bind(("MicrosoftAppType", "SingleTenant"), ("MicrosoftAppId", "app-id"), ("MicrosoftAppTenantId", "tenant-1"));

        Assert.Equal("https://login.microsoftonline.com/tenant-1", options.EffectiveLoginUrl);
    }

    [Fact]
    public void MultiTenant_LogsInAtBotFramework_EvenWithATenantSet()
    {
        var options = Bind(("MicrosoftAppType", "MultiTenant"), ("MicrosoftAppId", "app-id"), ("MicrosoftAppTenantId", "tenant-1"));

        Assert.Equal("https://login.microsoftonline.com/botframework.com", options.EffectiveLoginUrl);
    }

    [Fact]
    public void ExplicitLoginUrl_WinsWithoutItsTrailingSlash()
    {
        var options = Bind(("MicrosoftAppId", "app-id"), ("ToChannelFromBotLoginUrl", "https://127.0.0.1:5001/test-tenant/"));

        Assert.Equal("https://127.0.0.1:5001/test-tenant", options.EffectiveLoginUrl);
    }

    [Fact]
    public void BlankAppId_IsAnonymous()
    {
        Assert.True(Bind(("MicrosoftAppId", "  ")).IsAnonymous);
    }
}
