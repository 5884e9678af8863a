using System.Text.Json;

using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Cards.Tests;

/// <summary>Every card parses without errors or warnings in the official Adaptive Cards JavaScript library.</summary>
public sealed class AdaptiveCardsLibraryTests
{
    [Fact]
    public async Task Every_card_parses_and_validates_cleanly_in_the_official_library()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cw-cards-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var cards = CardCatalog.All();
            foreach (var (name, card) in cards)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, name + ".json"), CardJson.Serialize(card));
            }

            // A card with a mistake must be reported, or an empty report would prove nothing.
            await File.WriteAllTextAsync(Path.Combine(folder, "zz-control.json"), """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"NoSuchElement"}]}""");

            var output = await NodeScript.RunAsync("validate-cards.cjs", folder);
            using var report = JsonDocument.Parse(output);
            var results = report.RootElement.GetProperty("results");

            Assert.NotEmpty(results.GetProperty("zz-control.json").EnumerateArray());
            foreach (var (name, _) in cards)
            {
                var events = results.GetProperty(name + ".json").EnumerateArray().Select(e => e.GetString()).ToList();
                Assert.True(events.Count == 0, $"{name}: {string.Join("; ", events)}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
