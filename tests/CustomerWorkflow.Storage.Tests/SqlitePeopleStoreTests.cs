using CustomerWorkflow.Core.People;
using CustomerWorkflow.Storage.Sqlite;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>The people contract on SQLite.</summary>
#pragma warning disable CA1001 // The database is removed in DisposeAsync, which xunit calls.
public sealed class SqlitePeopleStoreTests : PeopleStoreContract
#pragma warning restore CA1001
{
    private readonly TempDatabase _database = new();

    protected override async Task<IUserStore> CreateStoreAsync() => await _database.OpenStoreAsync();

    protected override async Task<IUserStore> OpenSecondInstanceAsync() => await _database.OpenStoreAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
