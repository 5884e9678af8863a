using System.Globalization;
using CustomerWorkflow.Core;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>
/// The settings every import entry point shares (<c>Import:*</c>): how big a file may be, who may import, and where the
/// bot may download a file sent in Teams from. Checked at start, so a setting that cannot work names itself then.
/// </summary>
internal sealed record ImportSettings
{
    public const string MaxBytesKey = "Import:MaxBytes";
    public const string AllowedRolesKey = "Import:AllowedRoles";
    public const string AllowedDownloadHostsKey = "Import:AllowedDownloadHosts";
    public const string DownloadTimeoutKey = "Import:DownloadTimeoutSeconds";

    public const long DefaultMaxBytes = 50L * 1024 * 1024;

    /// <summary>
    /// Where Teams puts a file a user sends the bot in a 1:1 chat: their OneDrive for Business, on SharePoint Online. Bots
    /// cannot receive files in the sovereign clouds (GCC High, DoD, 21Vianet), so the public cloud's host is the default.
    /// </summary>
    public static IReadOnlyList<string> DefaultDownloadHosts { get; } = ["*.sharepoint.com"];

    /// <summary>The largest file an import reads, in bytes; larger ones are refused before a row is read.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>The roles that may import (any one of them); admins by default.</summary>
    public Roles AllowedRoles { get; init; } = Roles.Admin;

    /// <summary>Hosts a Teams download URL may have (<c>*.</c> for any subdomain); https only, redirects included.</summary>
    public IReadOnlyList<string> AllowedDownloadHosts { get; init; } = DefaultDownloadHosts;

    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public static ImportSettings From(IConfiguration configuration)
    {
        var settings = new ImportSettings();
        if (configuration[MaxBytesKey] is { Length: > 0 } maxText)
        {
            settings = settings with
            {
                MaxBytes = long.TryParse(maxText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0
                    ? max
                    : throw new InvalidOperationException($"{MaxBytesKey} must be a whole number of bytes above 0, not '{maxText}'."),
            };
        }

        var roles = List(configuration, AllowedRolesKey);
        if (roles.Count > 0)
        {
            var allowed = Roles.None;
            foreach (var role in roles)
            {
                allowed |= Enum.TryParse<Roles>(role, ignoreCase: true, out var parsed) && parsed is Roles.Admin or Roles.Clerk or Roles.Approver
                    ? parsed
                    : throw new InvalidOperationException($"{AllowedRolesKey} names roles (Admin, Clerk, Approver); '{role}' is not one.");
            }

            settings = settings with { AllowedRoles = allowed };
        }

        var hosts = List(configuration, AllowedDownloadHostsKey);
        if (hosts.Count > 0)
        {
            foreach (var host in hosts)
            {
                if (host.Contains('/', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host == "*" || host.Contains('*', StringComparison.Ordinal) && !host.StartsWith("*.", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{AllowedDownloadHostsKey} lists host names like contoso.sharepoint.com or *.sharepoint.com, not '{host}'.");
                }
            }

            settings = settings with { AllowedDownloadHosts = hosts };
        }

        if (configuration[DownloadTimeoutKey] is { Length: > 0 } timeoutText)
        {
            settings = settings with
            {
                DownloadTimeout = int.TryParse(timeoutText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 600
                    ? TimeSpan.FromSeconds(seconds)
                    : throw new InvalidOperationException($"{DownloadTimeoutKey} must be a number of seconds from 1 to 600, not '{timeoutText}'."),
            };
        }

        return settings;
    }

    /// <summary>True when <paramref name="url"/>'s host is one of <see cref="AllowedDownloadHosts"/>.</summary>
    public bool IsAllowedDownloadHost(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = url.IdnHost.ToLowerInvariant();
        foreach (var allowed in AllowedDownloadHosts.Select(h => h.ToLowerInvariant()))
        {
            if (allowed.StartsWith("*.", StringComparison.Ordinal) ? host.EndsWith(allowed[1..], StringComparison.Ordinal) && host.Length > allowed.Length - 1 : host == allowed)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A list setting given as a list (<c>Key:0</c>, <c>Key:1</c>) or as one comma-separated value.</summary>
    internal static List<string> List(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        return (section.Value is { } single ? single.Split([',', ';']) : section.GetChildren().Select(c => c.Value ?? string.Empty))
            .Select(v => v.Trim())
            .Where(v => v.Length > 0)
            .ToList();
    }

    /// <summary>A size for people: 50 MB, 512 KB, 900 bytes.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        >= 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes} bytes",
    };
}
