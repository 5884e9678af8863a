using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Cards.Tests;

internal static class TestPaths
{
    public static string RepositoryRoot => NodeScript.RepositoryRoot;

    public static string SnapshotFolder => Path.Combine(RepositoryRoot, "tests", "CustomerWorkflow.Cards.Tests", "Snapshots");
}
