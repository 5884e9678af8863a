using System.Diagnostics;
using System.Text.Json;

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

            var output = await Node.RunAsync(Path.Combine(TestPaths.RepositoryRoot, "tests", "js", "validate-cards.cjs"), folder);
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

/// <summary>Runs a Node.js script from the repository root (where npm installed node_modules).</summary>
internal static class Node
{
    public static async Task<string> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = TestPaths.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Node.js is needed for the card tests (node on PATH); install it and run `npm ci` at the repository root.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"node {Path.GetFileName(script)} exited with {process.ExitCode}: {await stderr}");
            return await stdout;
        }
    }
}
