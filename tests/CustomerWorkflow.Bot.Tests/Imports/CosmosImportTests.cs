using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CustomerWorkflow.Bot.Imports;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Tests.Imports;

/// <summary>
/// Imports on Cosmos DB with two instances of the bot on one container: an API request retried against the other
/// instance with the same Idempotency-Key gets the first answer and imports nothing twice, and either instance shows
/// the import from the log they share.
/// </summary>
public sealed class CosmosImportTests(CosmosServerFixture cosmos) : IClassFixture<CosmosServerFixture>, IAsyncLifetime
{
    private FakeChannel _channel = null!;
    private BotTestHost _a = null!;
    private BotTestHost _b = null!;

    public async Task InitializeAsync()
    {
        _channel = await FakeChannel.StartAsync();
        var database = "cwimp" + Guid.NewGuid().ToString("N")[..8];
        _a = await StartHostAsync(database);
        _b = await StartHostAsync(database);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { _a, _b }.Where(h => h is not null))
        {
            await host.DisposeAsync();
        }

        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_retry_against_the_other_instance_imports_once_and_both_show_the_import()
    {
        const string csv = "CustomerId,CreditLimit,City\nUS-001,300000,Boston\nUS-404,1,Nowhere\n";
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync(_a, csv, key);
        using var retry = await PostAsync(_b, csv, key);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, retry.StatusCode));
        var (a, b) = (JsonNode.Parse(await first.Content.ReadAsStringAsync())!, JsonNode.Parse(await retry.Content.ReadAsStringAsync())!);
        Assert.Equal(((string?)a["importId"], false, true), ((string?)b["importId"], (bool)a["replayed"]!, (bool)b["replayed"]!));
        Assert.Equal(a["rows"]!.ToJsonString(), b["rows"]!.ToJsonString());
        var proposal = Assert.Single(await _b.Services.GetRequiredService<Core.Storage.IWorkflowStore>().ListProposalsAsync("US-001"));
        Assert.Equal(ProposalStatus.PendingApproval, proposal.Status);
        Assert.Equal("Boston", (await _b.Engine.GetCustomerAsync("US-001")).Customer["City"]);

        var admin = _b.User("sample-admin", "Adam Admin", BotTestHost.AdminUpn);
        (await admin.SendAsync("import list")).ReplyText((string)a["importId"]!, "api, Local development: request.csv — 2 rows, 0 applied, 1 proposed, 1 rejected");
        (await admin.SendAsync($"import show {a["importId"]}")).ReplyText("Row 2 · US-404: There is no customer US-404.");
        Assert.Single(await _a.Services.GetRequiredService<IImportLog>().ListImportsAsync(DateTimeOffset.UtcNow.AddHours(-1), 10));
    }

    private static async Task<HttpResponseMessage> PostAsync(BotTestHost host, string csv, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ImportApiEndpoint.Path) { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.Add(ImportApiEndpoint.IdempotencyKeyHeader, key);
        return await host.Client.SendAsync(request);
    }

    private async Task<BotTestHost> StartHostAsync(string database) => await BotTestHost.StartAsync(
        settings: new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Cosmos",
            ["Storage:Cosmos:Endpoint"] = cosmos.Server.Endpoint.ToString(),
            ["Storage:Cosmos:Key"] = CosmosServer.Key,
            ["Storage:Cosmos:Database"] = database,
            ["Storage:Cosmos:Container"] = "workflow",
        },
        services: s => s.AddSingleton(_ => cosmos.Server.CreateClient()),
        channel: _channel);
}
