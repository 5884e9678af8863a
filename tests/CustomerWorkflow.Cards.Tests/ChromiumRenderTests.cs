using System.Text.Json;

using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Cards.Tests;

/// <summary>
/// Every card renders in headless Chromium with the official library; screenshots land under the test results
/// (TestResults/card-screenshots). User text stays literal even with a markdown processor plugged in.
/// </summary>
public sealed class ChromiumRenderTests
{
    [Fact]
    public async Task Every_card_renders_in_Chromium_and_user_text_stays_literal()
    {
        NodeScript.Chromium();
        var folder = Path.Combine(Path.GetTempPath(), "cw-render-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var shots = Path.Combine(TestPaths.RepositoryRoot, "TestResults", "card-screenshots");
        try
        {
            var cards = CardCatalog.All();
            foreach (var (name, card) in cards)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, name + ".json"), CardJson.Serialize(card));
            }

            var output = await NodeScript.RunAsync("render-cards.cjs", folder, shots);
            using var report = JsonDocument.Parse(output);

            foreach (var (name, _) in cards)
            {
                var result = report.RootElement.GetProperty(name + ".json");
                Assert.True(result.GetProperty("rendered").GetBoolean(), $"{name} did not render");
                Assert.True(File.Exists(Path.Combine(shots, name + ".png")), $"no screenshot of {name}");
                Assert.Empty(result.GetProperty("links").EnumerateArray());
                Assert.Equal(0, result.GetProperty("formatted").GetInt32());
            }

            var hostile = report.RootElement.GetProperty("approval-pending-hostile-text.json").GetProperty("text").GetString()!.Replace("\u200B", string.Empty, StringComparison.Ordinal);
            Assert.Contains(CardCatalog.Hostile, hostile, StringComparison.Ordinal);

            var due = report.RootElement.GetProperty("approval-pending-due-approver.json").GetProperty("buttons").EnumerateArray().Select(b => b.GetString()).ToList();
            Assert.Equal(["Approve", "Reject", "Request change", "Delegate"], due.Take(4));
            Assert.Empty(report.RootElement.GetProperty("approval-pending-other-viewer.json").GetProperty("buttons").EnumerateArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
