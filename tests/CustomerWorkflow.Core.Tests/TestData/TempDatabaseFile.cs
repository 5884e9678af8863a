namespace CustomerWorkflow.Core.Tests.TestData;

/// <summary>A unique database file under the temp folder, deleted with its WAL and shared-memory files afterwards.</summary>
internal sealed class TempDatabaseFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cw-core-tests-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var suffix in (string[])["", "-wal", "-shm", "-journal"])
        {
            File.Delete(Path + suffix);
        }
    }
}
