namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>Where the database lives and how it commits.</summary>
/// <param name="DatabasePath">The database file; created with its folder when missing.</param>
public sealed record SqliteStoreOptions(string DatabasePath)
{
    /// <summary>
    /// WAL with <c>synchronous=FULL</c> (the default): an acknowledged write survives power loss.
    /// Off gives <c>synchronous=NORMAL</c>, which can lose the last commits on power loss; for throwaway data only.
    /// </summary>
    public bool DurableCommits { get; init; } = true;

    /// <summary>How long a write waits for another process's write lock before it counts as a lost race.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
