using CustomerWorkflow.Core.Import;
using CustomerWorkflow.Storage.Sqlite;

namespace CustomerWorkflow.Storage.Tests;

/// <summary>The import log contract on SQLite.</summary>
#pragma warning disable CA1001 // The database is removed in DisposeAsync, which xunit calls.
public sealed class SqliteImportLogTests : ImportLogContract
#pragma warning restore CA1001
{
    private readonly TempDatabase _database = new();

    protected override async Task<IImportLog> CreateStoreAsync() => await _database.OpenStoreAsync();

    protected override async Task<IImportLog> OpenSecondInstanceAsync()
    {
        var store = await _database.OpenStoreAsync();
        Track(store);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_recorded_import_cannot_be_rewritten_in_the_file()
    {
        Assert.True(await Store.RecordAsync(Record("imp-1")));
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_database.Path}");
        connection.Open();
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE imports SET body = '{}' WHERE id = 'imp-1'";

        var refusal = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => update.ExecuteNonQuery());

        Assert.Contains("recorded once", refusal.Message, StringComparison.Ordinal);
    }
}
