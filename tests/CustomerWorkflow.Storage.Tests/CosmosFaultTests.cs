using System.Net;
using System.Text;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Storage.Cosmos;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// What only the Cosmos DB store has to get right, driven through faults put in front of the loopback server: an
/// answer lost after the write landed, throttling, an importer that dies part-way through a multi-customer commit, and
/// a wrong key or endpoint at start.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosFaultTests(CosmosAccount account) : IAsyncLifetime
{
    private readonly string _container = CosmosAccount.NewContainerName();
    private readonly List<IDisposable> _opened = [];
    private CosmosServer _server = null!;

    public async Task InitializeAsync() => _server = await CosmosServer.StartAsync();

    public async Task DisposeAsync()
    {
        _opened.ForEach(d => d.Dispose());
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_write_whose_answer_was_lost_is_recognised_as_landed_and_applies_once()
    {
        var faults = new Faults();
        var store = await OpenAsync(faults);
        await SeedAsync(store, "US-001");
        var engine = new ProposalEngine(store, TimeProvider.System);
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        faults.LoseAnswer = r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith("/docs/unit", StringComparison.Ordinal);

        await engine.SubmitAsync(TestData.Clerk, "US-001");

        Assert.Equal(1, faults.AnswersLost);
        var record = (await store.GetAsync("US-001"))!;
        Assert.Equal(ProposalStatus.PendingApproval, record.OpenProposal!.Status);
        Assert.Equal(3, record.Version);
        Assert.Single(await store.ListHistoryAsync("US-001"), h => h.Action == HistoryAction.Submitted);
    }

    [Fact]
    public async Task Throttled_requests_are_retried_after_the_time_the_server_asks_for()
    {
        var faults = new Faults { Throttle = 2 };
        var store = await OpenAsync(faults);

        await SeedAsync(store, "US-001");

        Assert.Equal(0, faults.Throttle);
        Assert.Equal("Contoso Retail", (await store.GetAsync("US-001"))!.Customer.Name);
    }

    [Fact]
    public async Task An_importer_that_dies_before_its_decision_leaves_nothing_applied_and_blocks_no_one()
    {
        var faults = new Faults();
        var importer = await OpenAsync(faults);
        await SeedAsync(importer, "US-001", "US-002");
        var records = await importer.GetManyAsync(["US-001", "US-002"]);
        faults.Fail = r => r.Headers.TryGetValues("x-ms-documentdb-partitionkey", out var pk) && pk.Single().Contains("tx|", StringComparison.Ordinal);

        await Assert.ThrowsAnyAsync<Exception>(() => importer.CommitAsync(
            [.. records.Values.Select(r => new RecordWrite(r.Customer.With(FieldCatalog.City, "Delft"), null, 0, r.Version))]));

        var other = await OpenAsync(null);
        Assert.All((await other.GetManyAsync(["US-001", "US-002"])).Values, r => Assert.Equal("Utrecht", r.Customer[FieldCatalog.City]));
        // A writer that meets the dead importer's pending write aborts it and goes on.
        var engine = new ProposalEngine(other, TimeProvider.System);
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("City", "Gouda")]);
        Assert.Equal("Gouda", (await other.GetAsync("US-001"))!.Customer[FieldCatalog.City]);
        Assert.Equal("Utrecht", (await other.GetAsync("US-002"))!.Customer[FieldCatalog.City]);
        await engine.SetFieldsAsync(TestData.Clerk, "US-002", [new("City", "Breda")]);
        Assert.Equal("Breda", (await other.GetAsync("US-002"))!.Customer[FieldCatalog.City]);
    }

    [Fact]
    public async Task An_importer_that_dies_after_its_decision_has_its_commit_finished_by_the_next_reader_and_writer()
    {
        var faults = new Faults();
        var importer = await OpenAsync(faults);
        await SeedAsync(importer, "US-001", "US-002");
        var records = await importer.GetManyAsync(["US-001", "US-002"]);
        var decided = false;
        faults.Fail = r =>
        {
            if (decided)
            {
                return true;
            }

            decided = r.Method == HttpMethod.Post && r.Headers.TryGetValues("x-ms-documentdb-partitionkey", out var pk) && pk.Single().Contains("tx|", StringComparison.Ordinal);
            return false;
        };

        await Assert.ThrowsAnyAsync<Exception>(() => importer.CommitAsync(
            [.. records.Values.Select(r => new RecordWrite(r.Customer.With(FieldCatalog.City, "Delft"), null, 0, r.Version))]));

        var other = await OpenAsync(null);
        Assert.All((await other.GetManyAsync(["US-001", "US-002"])).Values, r => Assert.Equal("Delft", r.Customer[FieldCatalog.City]));
        var engine = new ProposalEngine(other, TimeProvider.System);
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("Street", "Main 1")]);
        var first = (await other.GetAsync("US-001"))!;
        Assert.Equal(("Delft", "Main 1", 3L), (first.Customer[FieldCatalog.City], first.Customer[FieldCatalog.Street], first.Version));
    }

    [Fact]
    public async Task A_closed_proposal_whose_own_document_was_not_written_stays_readable_and_the_next_write_writes_it()
    {
        var faults = new Faults();
        var store = await OpenAsync(faults);
        await SeedAsync(store, "US-001");
        var engine = new ProposalEngine(store, TimeProvider.System);
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("CreditLimit", "5000")]);
        await engine.SubmitAsync(TestData.Clerk, "US-001");
        var failed = 0;
        faults.Fail = r => r.Method == HttpMethod.Post && Interlocked.Increment(ref failed) == 1;

        await engine.ApproveAsync(TestData.Approver, "US-001-P1");

        Assert.Equal(1, failed);
        Assert.Equal(ProposalStatus.Applied, (await store.GetProposalAsync("US-001-P1"))!.Status);
        Assert.Contains(await store.ListHistoryAsync("US-001"), h => h.Action == HistoryAction.Applied);
        faults.Fail = null;
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("City", "Gouda")]);
        await engine.SetFieldsAsync(TestData.Clerk, "US-001", [new("City", "Breda")]);
        Assert.Equal(ProposalStatus.Applied, (await store.GetProposalAsync("US-001-P1"))!.Status);
        Assert.Equal(["US-001-P1"], (await store.ListProposalsAsync("US-001")).Select(p => p.Id));
        Assert.Single(await store.ListHistoryAsync("US-001"), h => h.Action == HistoryAction.Applied);
    }

    [Fact]
    public async Task A_refused_key_is_reported_at_start()
    {
        var faults = new Faults { Refuse = true };
        var store = new CosmosWorkflowStore(_server.CreateClient(faults.Wrap), new CosmosStoreOptions { Database = account.Database, Container = _container });

        var e = await Assert.ThrowsAsync<CosmosStoreException>(() => store.InitializeAsync());

        Assert.Contains("refused the key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_reported_at_start()
    {
        using var client = CosmosConnection.CreateClient(new Uri("https://127.0.0.1:1/"), CosmosServer.Key, null);
        var store = new CosmosWorkflowStore(client, new CosmosStoreOptions { StartTimeout = TimeSpan.FromSeconds(5) });

        var e = await Assert.ThrowsAsync<CosmosStoreException>(() => store.InitializeAsync());

        Assert.Contains("unreachable", e.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1", e.Message, StringComparison.Ordinal);
    }

    private async Task<CosmosWorkflowStore> OpenAsync(Faults? faults)
    {
        var store = new CosmosWorkflowStore(_server.CreateClient(faults is null ? null : faults.Wrap),
            new CosmosStoreOptions { Database = account.Database, Container = _container }, ownsClient: true);
        _opened.Add(store);
        await store.InitializeAsync();
        return store;
    }

    private static async Task SeedAsync(IWorkflowStore store, params string[] ids)
    {
        await store.CommitAsync([.. ids.Select(id => new RecordWrite(TestData.Customer(id), null, 0, 0))]);
        if (await store.GetSettingsAsync() is null)
        {
            await store.SaveSettingsAsync(TestData.Settings(), 0, []);
        }
    }

    /// <summary>Faults in front of the server: answers lost after the request landed, throttling, failures, refusals.</summary>
    private sealed class Faults
    {
        public Func<HttpRequestMessage, bool>? LoseAnswer { get; set; }

        public Func<HttpRequestMessage, bool>? Fail { get; set; }

        public int Throttle { get; set; }

        public bool Refuse { get; set; }

        public int AnswersLost { get; private set; }

        public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Handler(this) { InnerHandler = inner };

        private sealed class Handler(Faults faults) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (faults.Refuse)
                {
                    return Answer(HttpStatusCode.Unauthorized, "Unauthorized", "The input authorization token can't serve the request.");
                }

                if (faults.Fail?.Invoke(request) == true)
                {
                    throw new HttpRequestException("The importer's process died.");
                }

                if (faults.Throttle > 0 && request.RequestUri!.AbsolutePath.Contains("/docs", StringComparison.Ordinal))
                {
                    faults.Throttle--;
                    var throttled = Answer((HttpStatusCode)429, "TooManyRequests", "Request rate is large.");
                    throttled.Headers.Add("x-ms-retry-after-ms", "20");
                    return throttled;
                }

                var response = await base.SendAsync(request, cancellationToken);
                if (faults.LoseAnswer?.Invoke(request) == true)
                {
                    // The write landed; its answer is lost and what comes back is what a retry of it would get.
                    faults.LoseAnswer = null;
                    faults.AnswersLost++;
                    response.Dispose();
                    return Answer(HttpStatusCode.PreconditionFailed, "PreconditionFailed", "Operation cannot be performed because one of the specified precondition is not met.");
                }

                return response;
            }

            private static HttpResponseMessage Answer(HttpStatusCode status, string code, string message) => new(status)
            {
                Content = new StringContent($"{{\"code\":\"{code}\",\"message\":\"{message}\"}}", Encoding.UTF8, "application/json"),
            };
        }
    }
}
