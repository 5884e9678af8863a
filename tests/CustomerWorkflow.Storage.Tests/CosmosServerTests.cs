using System.Net;
using CustomerWorkflow.Testing;
using Microsoft.Azure.Cosmos;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// What the Cosmos adapter (issue 6) will rely on, checked against the loopback server the tests start: containers
/// created when missing, point writes guarded by ETags (412 on a stale one), and single-partition queries.
/// </summary>
public sealed class CosmosServerTests
{
    private sealed record Item(string id, string pk, string value);

    [Fact]
    public async Task The_loopback_server_serves_etag_guarded_point_writes_and_partition_queries()
    {
        await using var server = await CosmosServer.StartAsync();
        var database = (await server.Client.CreateDatabaseIfNotExistsAsync("workflow")).Database;
        var container = (await database.CreateContainerIfNotExistsAsync("customers", "/pk")).Container;

        var created = await container.CreateItemAsync(new Item("US-001", "US-001", "first"), new PartitionKey("US-001"));
        var replaced = await container.ReplaceItemAsync(new Item("US-001", "US-001", "second"), "US-001", new PartitionKey("US-001"),
            new ItemRequestOptions { IfMatchEtag = created.ETag });
        var stale = await Assert.ThrowsAsync<CosmosException>(() => container.ReplaceItemAsync(new Item("US-001", "US-001", "lost"), "US-001",
            new PartitionKey("US-001"), new ItemRequestOptions { IfMatchEtag = created.ETag }));

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.NotEqual(created.ETag, replaced.ETag);
        var read = await container.ReadItemAsync<Item>("US-001", new PartitionKey("US-001"));
        Assert.Equal("second", read.Resource.value);

        var query = container.GetItemQueryIterator<Item>(
            new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk").WithParameter("@pk", "US-001"),
            requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey("US-001") });
        var found = new List<Item>();
        while (query.HasMoreResults)
        {
            found.AddRange(await query.ReadNextAsync());
        }

        Assert.Equal("second", Assert.Single(found).value);
    }
}
