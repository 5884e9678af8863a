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
