namespace CustomerWorkflow.Cards.Tests;

internal static class TestPaths
{
    /// <summary>The repository root: the folder with CustomerWorkflow.Bot.sln above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SnapshotFolder => Path.Combine(RepositoryRoot, "tests", "CustomerWorkflow.Cards.Tests", "Snapshots");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CustomerWorkflow.Bot.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with CustomerWorkflow.Bot.sln) is not above " + AppContext.BaseDirectory);
    }
}
