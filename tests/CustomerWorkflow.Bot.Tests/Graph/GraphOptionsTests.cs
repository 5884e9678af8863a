using CustomerWorkflow.Bot.Graph;
using CustomerWorkflow.Bot.Protocol;
using Microsoft.Extensions.Configuration;

namespace CustomerWorkflow.Bot.Tests.Graph;

/// <summary>The Graph settings: off by default, and on only with settings that can work, each refusal naming its key.</summary>
public sealed class GraphOptionsTests
{
    private const string CatalogAppId = "6C5A9F5E-1B7E-4D39-9D0E-2F3A4B5C6D7E";

    private static BotProtocolOptions Bot(string? type = "SingleTenant", string? appId = "app-id", string? tenant = "tenant-1") => new()
    {
        MicrosoftAppType = type,
        MicrosoftAppId = appId,
        MicrosoftAppPassword = "secret",
        MicrosoftAppTenantId = tenant,
    };

    private static GraphOptions Read(BotProtocolOptions bot, params (string Key, string Value)[] settings) =>
        GraphOptions.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(), bot);

    [Fact]
    public void Graph_is_off_unless_enabled_and_then_asks_graph_in_the_bots_tenant()
    {
        Assert.False(Read(Bot(), ("Teams:CatalogAppId", CatalogAppId)).Enabled);
        Assert.False(Read(Bot(appId: null)).CanInstall);

        var on = Read(Bot(), ("Graph:Enabled", "true"), ("Teams:CatalogAppId", CatalogAppId));

        Assert.True(on.CanInstall);
        Assert.False(on.ActivityFeed);
        Assert.Equal(new Uri("https://graph.microsoft.com/v1.0/"), on.BaseUrl);
        Assert.Equal("https://graph.microsoft.com/.default", on.Audience!.Scope);
        Assert.Equal("https://login.microsoftonline.com/tenant-1", on.Audience.LoginUrl);
        Assert.Equal("tenant-1", on.Audience.TenantId);
        Assert.Equal(CatalogAppId.ToLowerInvariant(), on.CatalogAppId);
    }

    [Fact]
    public void A_multi_tenant_bot_names_the_customers_tenant()
    {
        var on = Read(Bot("MultiTenant", tenant: null), ("Graph:Enabled", "true"), ("Graph:TenantId", "contoso.onmicrosoft.com"), ("Graph:BaseUrl", "https://graph.microsoft.us/v1.0"));

        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com", on.Audience!.LoginUrl);
        Assert.Equal(new Uri("https://graph.microsoft.us/v1.0/"), on.BaseUrl);
        Assert.False(on.CanInstall);
    }

    [Theory]
    [InlineData("MicrosoftAppId", null, null)]
    [InlineData("Graph:TenantId", "MultiTenant", null)]
    [InlineData("Graph:BaseUrl", null, "http://graph.example/v1.0/")]
    [InlineData("Teams:CatalogAppId", null, null)]
    public void Settings_that_cannot_work_stop_the_host_naming_the_key(string key, string? appType, string? baseUrl)
    {
        var bot = key == "MicrosoftAppId" ? Bot(appId: null) : Bot(appType ?? "SingleTenant", tenant: appType is null ? "tenant-1" : null);
        var settings = new List<(string, string)> { ("Graph:Enabled", "true") };
        if (baseUrl is not null)
        {
            settings.Add(("Graph:BaseUrl", baseUrl));
        }

        if (key == "Teams:CatalogAppId")
        {
            settings.Add((key, "my-app"));
        }

        var refusal = Assert.Throws<InvalidOperationException>(() => Read(bot, [.. settings]));

        Assert.Contains(key, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_is_allowed_on_loopback_only()
    {
        Assert.Equal(new Uri("http://127.0.0.1:5000/v1.0/"), Read(Bot(), ("Graph:Enabled", "true"), ("Graph:BaseUrl", "http://127.0.0.1:5000/v1.0")).BaseUrl);
    }
}
