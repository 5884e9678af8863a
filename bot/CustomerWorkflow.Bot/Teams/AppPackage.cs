using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CustomerWorkflow.Bot.Teams;

/// <summary>
/// Builds the Teams app package: <c>manifest/manifest.template.json</c> with its placeholders filled in from
/// <see cref="AppPackageSettings"/>, and the two icons it names, zipped with all three at the root as Teams wants.
/// The template and the icons are compiled into the host, so the package can be built wherever the host runs.
/// </summary>
public static partial class AppPackage
{
    public const string ManifestFileName = "manifest.json";

    /// <summary>The resource names of the files under <c>manifest/</c> in this assembly.</summary>
    private const string ResourcePrefix = "Teams/";

    private const string TemplateFileName = "manifest.template.json";

    /// <summary>Every entry gets this time, so the same settings always give the same bytes.</summary>
    private static readonly DateTimeOffset _entryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions _json = new()
    {
        WriteIndented = true,
        // A file for Teams, not HTML: keep quotes, '<' and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The manifest template as shipped, placeholders and all.</summary>
    public static string Template => ReadText(TemplateFileName);

    /// <summary>The manifest for these settings, as the package's <c>manifest.json</c> holds it.</summary>
    public static string BuildManifest(AppPackageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["APP_ID"] = settings.AppId.ToString("D"),
            ["BOT_ID"] = settings.BotId.ToString("D"),
            ["DOMAIN"] = settings.Domain,
            ["VERSION"] = settings.Version,
            ["DEVELOPER_NAME"] = settings.DeveloperName,
            ["WEBSITE_URL"] = settings.WebsiteUrl.AbsoluteUri,
            ["PRIVACY_URL"] = settings.PrivacyUrl.AbsoluteUri,
            ["TERMS_OF_USE_URL"] = settings.TermsOfUseUrl.AbsoluteUri,
        };

        // Placeholders are filled inside parsed string values, so a value is JSON-escaped like any other string.
        var manifest = JsonNode.Parse(Template) ?? throw new InvalidOperationException($"{TemplateFileName} is empty.");
        Fill(manifest, values);
        return manifest.ToJsonString(_json) + "\n";
    }

    /// <summary>The package: <c>manifest.json</c> and the icons it names, at the zip's root.</summary>
    public static byte[] Build(AppPackageSettings settings)
    {
        var manifest = BuildManifest(settings);
        var icons = JsonNode.Parse(manifest)?["icons"]?.AsObject() ?? throw new InvalidOperationException($"{TemplateFileName} names no icons.");
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, ManifestFileName, System.Text.Encoding.UTF8.GetBytes(manifest));
            foreach (var (_, icon) in icons)
            {
                var name = icon?.GetValue<string>() ?? throw new InvalidOperationException($"{TemplateFileName} has an empty icon.");
                Add(zip, name, ReadBytes(name));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Writes the package to <paramref name="path"/> in one go, so a failure leaves no half-written zip.</summary>
    public static void Write(AppPackageSettings settings, string path)
    {
        var package = Build(settings);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var temporary = path + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, package);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = _entryTime;
        using var stream = entry.Open();
        stream.Write(content);
    }

    private static void Fill(JsonNode node, Dictionary<string, string> values)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o.ToList())
                {
                    if (child is JsonValue v && v.TryGetValue<string>(out var text))
                    {
                        o[name] = Replace(text, values);
                    }
                    else if (child is not null)
                    {
                        Fill(child, values);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue v && v.TryGetValue<string>(out var text))
                    {
                        a[i] = Replace(text, values);
                    }
                    else if (a[i] is { } child)
                    {
                        Fill(child, values);
                    }
                }

                break;
        }
    }

    private static string Replace(string text, Dictionary<string, string> values) =>
        Placeholder().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"{TemplateFileName} uses {m.Value}, which no setting fills; known: {string.Join(", ", values.Keys)}."));

    private static string ReadText(string name) => System.Text.Encoding.UTF8.GetString(ReadBytes(name));

    private static byte[] ReadBytes(string name)
    {
        using var stream = typeof(AppPackage).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The manifest names '{name}', which is not in manifest/ (compiled into the host as {ResourcePrefix}{name}).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [GeneratedRegex(@"\{\{([A-Z_]+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
