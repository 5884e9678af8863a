using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerWorkflow.Bot.Hosting;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerWorkflow.Bot.Tests.WebChat;

/// <summary>
/// The built-in web chat in a real browser: the production host on Kestrel over loopback in development mode
/// (no app id, SQLite, sample data), driven by headless Chromium. Screenshots go to TestResults/webchat-screenshots.
/// </summary>
public sealed class WebChatBrowserTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cw-webchat-" + Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;
    private Uri _baseUrl = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        (_app, _baseUrl) = await StartAsync(Path.Combine(_folder, "bot.db"), []);
    }

    /// <summary>The production host on Kestrel over loopback (the browser needs a real port), with extra settings.</summary>
    private static Task<(WebApplication App, Uri BaseUrl)> StartAsync(string database, Dictionary<string, string?> settings)
    {
        settings["Storage:Sqlite:Path"] = database;
        return KestrelBotHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS; the folder is unique to this test.
        }
    }

    [Fact]
    public async Task A_clerk_proposes_an_approver_approves_on_the_card_and_the_customer_changes()
    {
        NodeScript.Chromium();
        var shots = Path.Combine(NodeScript.RepositoryRoot, "TestResults", "webchat-screenshots");

        var output = await NodeScript.RunAsync("webchat-flow.cjs", _baseUrl.ToString(), shots);

        using var report = JsonDocument.Parse(output);
        var steps = report.RootElement.GetProperty("steps");
        string Step(string name) => steps.GetProperty(name).GetString()!;
        Assert.Empty(report.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Contains("Proposed (needs approval", Step("set"), StringComparison.Ordinal);
        Assert.Contains("Submitted proposal US-001-P1", Step("submit"), StringComparison.Ordinal);
        Assert.Contains("250000.00", Step("approverCard"), StringComparison.Ordinal);
        Assert.Contains("300000.00", Step("approverCard"), StringComparison.Ordinal);
        Assert.Contains("Approved and applied by Arun Approver", Step("afterClick"), StringComparison.Ordinal);
        Assert.Equal(0, steps.GetProperty("buttonsAfterClick").GetInt32());
        Assert.Contains("Your changes were approved and applied", Step("outcome"), StringComparison.Ordinal);
        Assert.Contains("300000.00", Step("customer"), StringComparison.Ordinal);
        Assert.Contains("Net45", Step("customer"), StringComparison.Ordinal);
        Assert.True(steps.GetProperty("typingHidden").GetBoolean());
        Assert.True(steps.GetProperty("errorHidden").GetBoolean());
        foreach (var shot in new[] { "1-clerk-submitted", "2-approver-card", "3-approver-approved", "4-clerk-customer" })
        {
            Assert.True(File.Exists(Path.Combine(shots, shot + ".png")), $"no screenshot {shot}");
        }

        var customer = (await _app.Services.GetRequiredService<ProposalEngine>().GetCustomerAsync("US-001")).Customer;
        Assert.Equal("300000.00", customer["CreditLimit"]);
        Assert.Equal("Net45", customer["PaymentTerms"]);
    }

    [Fact]
    public async Task The_page_and_its_scripts_are_served_locally_and_the_web_chat_is_off_with_an_app_id()
    {
        using var client = new HttpClient { BaseAddress = _baseUrl };
        var page = await client.GetStringAsync("/");
        Assert.Contains("lib/adaptivecards.min.js", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/lib/adaptivecards.min.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/webchat.js")).StatusCode);

        await using var production = await Infrastructure.BotTestHost.StartAsync(authenticated: true, new Dictionary<string, string?> { ["WebChat:Enabled"] = null });
        Assert.Equal(HttpStatusCode.NotFound, (await production.Client.GetAsync("/webchat/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await production.Client.PostAsync("/webchat/v3/conversations/x/activities", new StringContent("{}"))).StatusCode);
    }

    [Fact]
    public async Task Enabled_beside_an_app_id_the_page_is_answered_but_nothing_else_gets_in_without_a_token()
    {
        var (app, baseUrl) = await StartAsync(Path.Combine(_folder, "with-app-id.db"), new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = ChannelAuthority.AppId,
            ["MicrosoftAppPassword"] = "secret",
            ["WebChat:Enabled"] = "true",
            ["Workflow:SampleData"] = "true",
        });
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = baseUrl };
        object Activity(string channelId, string serviceUrl) => new
        {
            type = "message",
            id = Guid.NewGuid().ToString("N"),
            channelId,
            serviceUrl,
            from = new { id = "wc:sample-clerk", name = "Chloe Clerk", aadObjectId = "sample-clerk" },
            recipient = new { id = "webchat-bot" },
            conversation = new { id = "webchat-sample-clerk", conversationType = "personal" },
            text = "customer US-001",
        };

        var page = await client.PostAsJsonAsync("/api/messages", Activity("webchat", new Uri(baseUrl, "/webchat/").ToString()));
        var teams = await client.PostAsJsonAsync("/api/messages", Activity("msteams", new Uri(baseUrl, "/webchat/").ToString()));
        var elsewhere = await client.PostAsJsonAsync("/api/messages", Activity("webchat", "http://127.0.0.2:9/webchat/"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, teams.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
        var conversation = await client.GetStringAsync("/webchat/api/conversations/webchat-sample-clerk?since=0");
        Assert.Contains("Customer US-001 Contoso Retail", conversation, StringComparison.Ordinal);
    }
}
