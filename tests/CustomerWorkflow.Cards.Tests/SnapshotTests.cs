namespace CustomerWorkflow.Cards.Tests;

/// <summary>
/// Card JSON is reviewed as approved snapshot files under Snapshots/. A difference fails and writes the new JSON
/// next to the approved one as <c>.received.json</c>; after review, run with <c>UPDATE_SNAPSHOTS=1</c> to approve.
/// </summary>
public sealed class SnapshotTests
{
    public static TheoryData<string> Names() => [.. CardCatalog.All().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Card_matches_its_approved_snapshot(string name)
    {
        var card = CardCatalog.All().Single(c => c.Name == name).Card;
        var json = CardJson.Serialize(card, indented: true).ReplaceLineEndings("\n") + "\n";
        var approved = Path.Combine(TestPaths.SnapshotFolder, name + ".json");
        var received = Path.Combine(TestPaths.SnapshotFolder, name + ".received.json");

        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1" && Environment.GetEnvironmentVariable("CI") != "true")
        {
            File.WriteAllText(approved, json);
        }

        Assert.True(File.Exists(approved), $"No approved snapshot for {name}. Review {received} and approve it with UPDATE_SNAPSHOTS=1.");
        if (File.ReadAllText(approved) != json)
        {
            File.WriteAllText(received, json);
            Assert.Fail($"{name} differs from its approved snapshot; the new JSON is in {received}.");
        }

        File.Delete(received);
    }

    [Fact]
    public void Every_snapshot_belongs_to_a_card()
    {
        var names = CardCatalog.All().Select(c => c.Name + ".json").ToHashSet();
        var orphans = Directory.GetFiles(TestPaths.SnapshotFolder, "*.json")
            .Select(Path.GetFileName)
            .Where(f => !f!.EndsWith(".received.json", StringComparison.Ordinal) && !names.Contains(f!));
        Assert.Empty(orphans);
    }
}
