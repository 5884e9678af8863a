using CustomerWorkflow.Storage.Cosmos;
using CustomerWorkflow.Testing;
using Microsoft.Azure.Cosmos;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// The Cosmos DB the tests run against: a real account or the official emulator when <c>COSMOS_ENDPOINT</c> and
/// <c>COSMOS_KEY</c> are set, otherwise the loopback test server, started once for all Cosmos tests. Each test gets a
/// container of its own in one database per run, which is deleted at the end.
/// </summary>
public sealed class CosmosAccount : IAsyncLifetime
{
    private readonly List<CosmosClient> _clients = [];
    private CosmosServer? _server;

    public string Database { get; } = "cwtest" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>True when the tests run against the loopback test server.</summary>
    public bool IsLoopbackServer => _server is not null;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("COSMOS_ENDPOINT") is not { Length: > 0 })
        {
            _server = await CosmosServer.StartAsync();
        }
    }

    /// <summary>A client of its own (each store instance gets one, as each bot instance would).</summary>
    public CosmosClient NewClient()
    {
        // A real account or the emulator is reached as the product reaches it (the emulator's certificate must be trusted,
        // e.g. through SSL_CERT_FILE).
        var client = _server?.CreateClient() ?? CosmosConnection.CreateClient(
            new Uri(Environment.GetEnvironmentVariable("COSMOS_ENDPOINT")!),
            Environment.GetEnvironmentVariable("COSMOS_KEY") ?? throw new InvalidOperationException("COSMOS_ENDPOINT is set but COSMOS_KEY is not."),
            null);
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>A store on <paramref name="container"/> (created when missing), initialized.</summary>
    public async Task<CosmosWorkflowStore> OpenStoreAsync(string container)
    {
        var store = new CosmosWorkflowStore(NewClient(), new CosmosStoreOptions { Database = Database, Container = container });
        await store.InitializeAsync();
        return store;
    }

    public static string NewContainerName() => "c" + Guid.NewGuid().ToString("N")[..12];

    public async Task DisposeAsync()
    {
        if (_clients.Count > 0)
        {
            try
            {
                await _clients[0].GetDatabase(Database).DeleteAsync();
            }
            catch (CosmosException)
            {
                // Never created.
            }
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosAccount>
{
    public const string Name = "Cosmos DB";
}
