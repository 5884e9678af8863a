namespace CustomerWorkflow.Storage.Tests;

/// <summary>A database file in a folder of its own under the temp folder, removed with its WAL files afterwards.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cw-tests", Guid.NewGuid().ToString("N"));

    public TempDatabase() => Directory.CreateDirectory(_folder);

    public string Path => System.IO.Path.Combine(_folder, "workflow.db");

    /// <summary>A store on this file, initialized: each call is another instance on the same data.</summary>
    public async Task<Sqlite.SqliteWorkflowStore> OpenStoreAsync(bool durableCommits = true)
    {
        var store = new Sqlite.SqliteWorkflowStore(new Sqlite.SqliteStoreOptions(Path) { DurableCommits = durableCommits });
        await store.InitializeAsync();
        return store;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a test that failed; the temp folder is cleaned by the OS.
        }
    }
}
