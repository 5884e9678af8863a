using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Storage.Sqlite;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>The workflow-definition contract on SQLite.</summary>
#pragma warning disable CA1001 // The database is removed in DisposeAsync, which xunit calls.
public sealed class SqliteWorkflowDefinitionStoreTests : WorkflowDefinitionStoreContract
#pragma warning restore CA1001
{
    private readonly TempDatabase _database = new();

    protected override Task<IWorkflowStore> CreateStoreAsync() => OpenAsync();

    protected override Task<IWorkflowStore> OpenSecondInstanceAsync() => OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    private async Task<IWorkflowStore> OpenAsync()
    {
        var store = new SqliteWorkflowStore(new SqliteStoreOptions(_database.Path));
        await store.InitializeAsync();
        return store;
    }
}
