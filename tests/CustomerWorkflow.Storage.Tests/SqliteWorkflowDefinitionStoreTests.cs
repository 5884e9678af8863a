using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Storage.Sqlite;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>The workflow-definition contract on SQLite.</summary>
#pragma warning disable CA1001 // The database is removed in DisposeAsync, which xunit calls.
public sealed class SqliteWorkflowDefinitionStoreTests : WorkflowDefinitionStoreContract
#pragma warning restore CA1001
{
    private readonly TempDatabase _database = new();

    protected override async Task<IWorkflowStore> CreateStoreAsync() => await _database.OpenStoreAsync();

    protected override async Task<IWorkflowStore> OpenSecondInstanceAsync() => await _database.OpenStoreAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
