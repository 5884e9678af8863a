using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Tests.Infrastructure;

/// <summary>One loopback Cosmos DB server for a test class (each test keeps to a database of its own on it), stopped after the class.</summary>
public sealed class CosmosServerFixture : IAsyncLifetime
{
    public CosmosServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await CosmosServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
