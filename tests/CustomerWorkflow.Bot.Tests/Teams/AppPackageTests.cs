using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CustomerWorkflow.Bot.Commands;
using CustomerWorkflow.Bot.Teams;
using CustomerWorkflow.Bot.Tests.Infrastructure;
using CustomerWorkflow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerWorkflow.Bot.Tests.Teams;

/// <summary>The Teams app package: the manifest against the official schema, its commands and notices, the zip and the icons.</summary>
public sealed partial class AppPackageTests
{
    private static readonly AppPackageSettings _settings = new()
    {
        AppId = Guid.NewGuid(),
        BotId = Guid.NewGuid(),
        Domain = "bot.contoso.com",
        Version = "2.3.4",
        DeveloperName = "Contoso \"IT\"",
        WebsiteUrl = new Uri("https://contoso.com/"),
        PrivacyUrl = new Uri("https://contoso.com/privacy"),
        TermsOfUseUrl = new Uri("https://contoso.com/terms"),
    };

    [Fact]
    public async Task The_built_manifest_is_valid_against_the_official_v1_30_schema_offline()
    {
        var folder = Directory.CreateTempSubdirectory("cw-manifest-");
        try
        {
            var valid = Path.Combine(folder.FullName, "manifest.json");
            await File.WriteAllTextAsync(valid, AppPackage.BuildManifest(_settings));

            // A manifest with mistakes must be reported, or an empty report would prove nothing.
            var broken = JsonNode.Parse(AppPackage.BuildManifest(_settings))!;
            broken["name"]!["short"] = new string('x', 31);
            broken["bots"]![0]!["botId"] = "not-a-guid";
            var control = Path.Combine(folder.FullName, "control.json");
            await File.WriteAllTextAsync(control, broken.ToJsonString());

            var output = await NodeScript.RunAsync("validate-manifest.cjs", valid, control);
            using var report = JsonDocument.Parse(output);
            var results = report.RootElement.GetProperty("results");

            var controlErrors = Errors(results.GetProperty(control));
            Assert.Contains(controlErrors, e => e.StartsWith("/name/short ", StringComparison.Ordinal));
            Assert.Contains(controlErrors, e => e.StartsWith("/bots/0/botId ", StringComparison.Ordinal));

            var result = results.GetProperty(valid);
            Assert.Equal("teams/v1.30/MicrosoftTeams.schema.json", result.GetProperty("schema").GetString());
            var errors = Errors(result);
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        static List<string> Errors(JsonElement result) => [.. result.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!)];
    }

    [Fact]
    public void The_manifest_carries_the_ids_the_domain_and_the_version_and_no_placeholder_is_left()
    {
        var json = AppPackage.BuildManifest(_settings);
        var manifest = JsonNode.Parse(json)!;
        var botId = _settings.BotId.ToString();

        Assert.DoesNotContain("{{", json, StringComparison.Ordinal);
        Assert.Equal("1.30", (string?)manifest["manifestVersion"]);
        Assert.Equal(_settings.AppId.ToString(), (string?)manifest["id"]);
        Assert.Equal(_settings.Version, (string?)manifest["version"]);
        Assert.Equal(botId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal([_settings.Domain], manifest["validDomains"]!.AsArray().Select(d => (string?)d));
        // Graph's activity feed sends as the bot's Entra app; a bot without a tab has this Application ID URI form.
        Assert.Equal(botId, (string?)manifest["webApplicationInfo"]!["id"]);
        Assert.Equal($"api://botid-{botId}", (string?)manifest["webApplicationInfo"]!["resource"]);
        Assert.Equal(_settings.DeveloperName, (string?)manifest["developer"]!["name"]);
        Assert.Equal(_settings.PrivacyUrl.AbsoluteUri, (string?)manifest["developer"]!["privacyUrl"]);
        // Teams hands a file sent in the 1:1 chat to the bot only when the manifest says it takes files (imports).
        Assert.True((bool?)manifest["bots"]![0]!["supportsFiles"]);
    }

    [Fact]
    public async Task Every_command_in_the_manifest_is_a_real_chat_command_within_the_limits_Teams_shows()
    {
        await using var host = await BotTestHost.StartAsync();
        var runner = host.Services.GetRequiredService<CommandRunner>();
        var bot = JsonNode.Parse(AppPackage.BuildManifest(_settings))!["bots"]![0]!;
        var botScopes = bot["scopes"]!.AsArray().Select(s => (string)s!).ToList();
        var lists = bot["commandLists"]!.AsArray();

        Assert.InRange(lists.Count, 1, 3);
        var listedScopes = lists.SelectMany(l => l!["scopes"]!.AsArray().Select(s => (string)s!)).ToList();
        Assert.Equal(listedScopes.Distinct().Count(), listedScopes.Count);
        Assert.Equal(botScopes.Order(), listedScopes.Order());
        foreach (var list in lists)
        {
            var commands = list!["commands"]!.AsArray();
            Assert.InRange(commands.Count, 1, 12);
            foreach (var command in commands)
            {
                var title = (string)command!["title"]!;
                var description = (string)command["description"]!;
                // The schema allows more, but Teams' documented limits (and narrow clients) are 32 and 128.
                Assert.InRange(title.Length, 1, 32);
                Assert.InRange(description.Length, 1, 128);
                var found = runner.Find(title);
                Assert.True(found is not null && found.Name == title, $"'{title}' is not the name of a chat command");
                // A description that shows the syntax must show the command's own.
                if (description.Contains('<', StringComparison.Ordinal))
                {
                    Assert.StartsWith(title + " ", description, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void The_activity_types_are_the_ones_the_senders_use_with_the_parameters_they_fill()
    {
        var types = JsonNode.Parse(AppPackage.BuildManifest(_settings))!["activities"]!["activityTypes"]!.AsArray();

        Assert.Equal(ActivityFeedTypes.TemplateParameters.Keys.Order(), types.Select(t => (string)t!["type"]!).Order());
        foreach (var type in types)
        {
            var name = (string)type!["type"]!;
            var template = (string)type["templateText"]!;
            Assert.InRange(template.Length, 1, 128);
            Assert.InRange(((string)type["description"]!).Length, 1, 128);
            var parameters = TemplateParameter().Matches(template).Select(m => m.Groups[1].Value).Where(p => p != "actor");
            Assert.Equal(ActivityFeedTypes.TemplateParameters[name], parameters);
        }
    }

    [Fact]
    public void The_zip_holds_exactly_the_manifest_and_the_icons_it_names_at_its_root()
    {
        using var zip = new ZipArchive(new MemoryStream(AppPackage.Build(_settings)), ZipArchiveMode.Read);
        var names = zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["color.png", "manifest.json", "outline.png"], names);
        var manifest = JsonNode.Parse(Read(zip, AppPackage.ManifestFileName))!;
        Assert.Equal("color.png", (string?)manifest["icons"]!["color"]);
        Assert.Equal("outline.png", (string?)manifest["icons"]!["outline"]);
        Assert.Equal(AppPackage.BuildManifest(_settings), System.Text.Encoding.UTF8.GetString(Read(zip, AppPackage.ManifestFileName)));
        // The committed icons under manifest/ are what goes in.
        Assert.Equal(File.ReadAllBytes(Path.Combine(NodeScript.RepositoryRoot, "manifest", "color.png")), Read(zip, "color.png"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(NodeScript.RepositoryRoot, "manifest", "outline.png")), Read(zip, "outline.png"));
    }

    [Fact]
    public void The_same_settings_give_the_same_package_byte_for_byte()
    {
        Assert.Equal(AppPackage.Build(_settings), AppPackage.Build(_settings));
        Assert.NotEqual(AppPackage.Build(_settings), AppPackage.Build(_settings with { Version = "2.3.5" }));
    }

    [Fact]
    public void The_color_icon_is_192_pixels_square()
    {
        var icon = PngImage.Decode(IconFromPackage("color"));

        Assert.Equal((192, 192), (icon.Width, icon.Height));
        // A real picture: more than one colour.
        Assert.True(icon.Pixels().Distinct().Count() > 2);
    }

    [Fact]
    public void The_outline_icon_is_32_pixels_square_white_on_transparent()
    {
        var icon = PngImage.Decode(IconFromPackage("outline"));

        Assert.Equal((32, 32), (icon.Width, icon.Height));
        Assert.True(icon.HasAlphaChannel);
        var pixels = icon.Pixels().ToList();
        var notWhite = pixels.Select((p, i) => (p, i)).Where(x => x.p.A > 0 && (x.p.R, x.p.G, x.p.B) != (255, 255, 255)).ToList();
        Assert.True(notWhite.Count == 0, $"{notWhite.Count} visible pixels are not white, the first at ({notWhite.FirstOrDefault().i % 32}, {notWhite.FirstOrDefault().i / 32})");
        // Lines on a transparent background: both must be there.
        Assert.Contains(pixels, p => p.A == 255);
        Assert.Contains(pixels, p => p.A == 0);
        Assert.Equal(0, icon[0, 0].A);
    }

    private static byte[] IconFromPackage(string kind)
    {
        using var zip = new ZipArchive(new MemoryStream(AppPackage.Build(_settings)), ZipArchiveMode.Read);
        var name = (string)JsonNode.Parse(Read(zip, AppPackage.ManifestFileName))!["icons"]![kind]!;
        return Read(zip, name);
    }

    private static byte[] Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidOperationException($"{name} is not in the package");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex TemplateParameter();
}
