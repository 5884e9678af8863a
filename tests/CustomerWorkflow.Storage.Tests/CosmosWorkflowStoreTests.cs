using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>The storage contract on Cosmos DB (the loopback test server, or the account in COSMOS_ENDPOINT).</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosWorkflowStoreTests(CosmosAccount account) : WorkflowStoreContract
{
    private readonly string _container = CosmosAccount.NewContainerName();

    protected override async Task<IWorkflowStore> CreateStoreAsync() => await account.OpenStoreAsync(_container);

    protected override async Task<IWorkflowStore> OpenSecondInstanceAsync() => await account.OpenStoreAsync(_container);
}

/// <summary>The people contract on Cosmos DB.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosPeopleStoreTests(CosmosAccount account) : PeopleStoreContract
{
    private readonly string _container = CosmosAccount.NewContainerName();

    protected override async Task<Core.People.IUserStore> CreateStoreAsync() => await account.OpenStoreAsync(_container);

    protected override async Task<Core.People.IUserStore> OpenSecondInstanceAsync()
    {
        var store = await account.OpenStoreAsync(_container);
        Track(store);
        return store;
    }
}

/// <summary>The workflow-definition contract on Cosmos DB.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosWorkflowDefinitionStoreTests(CosmosAccount account) : WorkflowDefinitionStoreContract
{
    private readonly string _container = CosmosAccount.NewContainerName();

    protected override async Task<IWorkflowStore> CreateStoreAsync() => await account.OpenStoreAsync(_container);

    protected override async Task<IWorkflowStore> OpenSecondInstanceAsync() => await account.OpenStoreAsync(_container);
}

/// <summary>The import log contract on Cosmos DB.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosImportLogTests(CosmosAccount account) : ImportLogContract
{
    private readonly string _container = CosmosAccount.NewContainerName();

    protected override async Task<Core.Import.IImportLog> CreateStoreAsync() => await account.OpenStoreAsync(_container);

    protected override async Task<Core.Import.IImportLog> OpenSecondInstanceAsync()
    {
        var store = await account.OpenStoreAsync(_container);
        Track(store);
        return store;
    }

    [Fact]
    public async Task A_key_left_by_an_import_that_never_got_its_record_is_taken_over()
    {
        // An importer took the key, then died before writing its record: the key must not stay blocked forever.
        var client = account.NewClient();
        var container = client.GetContainer(account.Database, _container);
        var pointer = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { id = "k", pk = "importkey|api|erp|orphan", t = "importkey", i = "imp-dead" });
        using (var response = await container.CreateItemStreamAsync(new MemoryStream(pointer), new Microsoft.Azure.Cosmos.PartitionKey("importkey|api|erp|orphan")))
        {
            Assert.True(response.IsSuccessStatusCode);
        }

        Assert.True(await Store.RecordAsync(Record("imp-live", key: "api|erp|orphan")));

        Assert.Equal("imp-live", (await Store.FindImportByKeyAsync("api|erp|orphan"))?.Id);
    }
}
