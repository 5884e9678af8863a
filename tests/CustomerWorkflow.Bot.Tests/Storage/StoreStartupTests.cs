using System.Diagnostics;
using CustomerWorkflow.Storage.Cosmos;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Tests.Storage;

/// <summary>
/// The host checks its storage configuration at start: a wrong <c>Storage:Provider</c>, a Cosmos DB store without a
/// usable endpoint, or an endpoint nobody answers stops the host before it takes any request, with a message that
/// names the setting or the endpoint; an endpoint that refuses connections does so in seconds.
/// </summary>
public sealed class StoreStartupTests
{
    [Theory]
    [InlineData("Bogus", null, "Storage:Provider must be Sqlite or Cosmos, not 'Bogus'")]
    [InlineData("Cosmos", null, "Storage:Cosmos:Endpoint is required when Storage:Provider is Cosmos")]
    [InlineData("Cosmos", "http://localhost:8081/", "Storage:Cosmos:Endpoint must be an https URL")]
    public async Task A_wrong_storage_setting_stops_the_host_at_start_naming_the_setting(string provider, string? endpoint, string message)
    {
        var failure = await StartFailureAsync(new() { ["Storage:Provider"] = provider, ["Storage:Cosmos:Endpoint"] = endpoint });

        Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_Cosmos_endpoint_stops_the_host_at_start_quickly_saying_so()
    {
        // A closed loopback port: every connection is refused at once, and the store gives up without waiting for its start timeout.
        var clock = Stopwatch.StartNew();

        var failure = await StartFailureAsync(new()
        {
            ["Storage:Provider"] = "Cosmos",
            ["Storage:Cosmos:Endpoint"] = "https://127.0.0.1:1/",
            ["Storage:Cosmos:Key"] = CosmosServer.Key,
        });

        clock.Stop();
        var unreachable = Assert.IsType<CosmosStoreException>(failure);
        Assert.Contains("Cosmos DB at https://127.0.0.1:1/ is unreachable", unreachable.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"The start took {clock.Elapsed.TotalSeconds:0.0} s to fail.");
    }

    /// <summary>
    /// Starts the production host (wired as Program wires it) where it must not start, and returns why it did not.
    /// Not through WebApplicationFactory: when a host fails this fast, the factory may report the disposed service
    /// provider (ObjectDisposedException) instead of the reason.
    /// </summary>
    private static async Task<Exception> StartFailureAsync(Dictionary<string, string?> settings)
    {
        var failure = await Record.ExceptionAsync(async () => await (await KestrelBotHost.StartAsync(settings)).App.DisposeAsync());
        Assert.NotNull(failure);
        return failure;
    }
}
