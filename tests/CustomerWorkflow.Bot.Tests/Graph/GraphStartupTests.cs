using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Tests.Graph;

/// <summary>Graph settings that cannot work stop the host at start, naming the setting, before anyone's notice depends on them.</summary>
public sealed class GraphStartupTests
{
    [Theory]
    [InlineData(null, "Graph:Enabled needs the bot's identity")]
    [InlineData("my-teams-app", "Teams:CatalogAppId must be the app's id in the Teams app catalog (a GUID)")]
    public async Task A_graph_setting_that_cannot_work_stops_the_host_at_start(string? catalogAppId, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Graph:Enabled"] = "true",
            ["Teams:CatalogAppId"] = catalogAppId,
            // Never the repository's own database, should the host get as far as opening one.
            ["Storage:Sqlite:Path"] = Path.Combine(Path.GetTempPath(), $"cw-graph-start-{Guid.NewGuid():N}.db"),
        };
        if (catalogAppId is not null)
        {
            settings["MicrosoftAppId"] = "app-id";
            settings["MicrosoftAppPassword"] = "secret";
            settings["MicrosoftAppTenantId"] = "tenant-1";
            settings["MicrosoftAppType"] = "SingleTenant";
        }

        // Not through WebApplicationFactory: when a host fails this fast, the factory may report its disposed provider instead.
        var failure = await Record.ExceptionAsync(async () => await (await KestrelBotHost.StartAsync(settings)).App.DisposeAsync());

        var refusal = Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains(message, refusal.Message, StringComparison.Ordinal);
    }
}
