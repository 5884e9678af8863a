using System.Text.RegularExpressions;

namespace CustomerWorkflow.Bot.Teams;

/// <summary>
/// What one Teams app package is built from: the ids and the domain differ per installation, so they come from
/// configuration and are checked here, before anything is written, rather than by Teams at upload.
/// </summary>
public sealed partial record AppPackageSettings
{
    public const string AppIdKey = "Teams:AppId";

    /// <summary>The bot's id is the Bot Framework key the host itself signs in with.</summary>
    public const string BotIdKey = "MicrosoftAppId";

    public const string DomainKey = "Teams:Domain";
    public const string VersionKey = "Teams:Version";
    public const string DeveloperNameKey = "Teams:DeveloperName";
    public const string WebsiteUrlKey = "Teams:WebsiteUrl";
    public const string PrivacyUrlKey = "Teams:PrivacyUrl";
    public const string TermsOfUseUrlKey = "Teams:TermsOfUseUrl";

    public const string DefaultVersion = "1.0.0";
    public const string DefaultDeveloperName = "Customer Workflow";

    /// <summary>The manifest schema's limit for <c>developer.name</c>.</summary>
    public const int DeveloperNameMaxLength = 32;

    /// <summary>The Teams app's own id (the manifest's <c>id</c>): chosen once, kept across versions.</summary>
    public required Guid AppId { get; init; }

    /// <summary>The Azure Bot's Microsoft App ID, which is also the Entra app that calls Graph.</summary>
    public required Guid BotId { get; init; }

    /// <summary>The host name the bot is reached at, lower case, without scheme, port or path.</summary>
    public required string Domain { get; init; }

    /// <summary>The app's version, <c>major.minor.patch</c>; Teams wants it raised for every changed upload.</summary>
    public required string Version { get; init; }

    public required string DeveloperName { get; init; }

    public required Uri WebsiteUrl { get; init; }

    public required Uri PrivacyUrl { get; init; }

    public required Uri TermsOfUseUrl { get; init; }

    /// <summary>
    /// Reads the settings from configuration. Returns null with every problem in <paramref name="errors"/> (each a line
    /// that names the setting), so one run tells the user all that is wrong.
    /// </summary>
    public static AppPackageSettings? From(IConfiguration configuration, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();

        var appId = ReadGuid(configuration, AppIdKey, "--app-id", "the Teams app's id: a GUID you choose once (uuidgen) and keep", problems);
        var botId = ReadGuid(configuration, BotIdKey, "--bot-id", "the Azure Bot's Microsoft App ID", problems);
        var domain = ReadDomain(configuration, problems);

        var version = Value(configuration, VersionKey) ?? DefaultVersion;
        if (!VersionPattern().IsMatch(version))
        {
            problems.Add($"{VersionKey} (--version) must be major.minor.patch, like 1.0.0 (numbers only, no leading zeros, no suffix), not '{version}'.");
        }

        var developer = Value(configuration, DeveloperNameKey) ?? DefaultDeveloperName;
        if (developer.Length > DeveloperNameMaxLength)
        {
            problems.Add($"{DeveloperNameKey} (--developer-name) may have at most {DeveloperNameMaxLength} characters; '{developer}' has {developer.Length}.");
        }

        var website = ReadUrl(configuration, WebsiteUrlKey, "--website-url", domain, "/", problems);
        var privacy = ReadUrl(configuration, PrivacyUrlKey, "--privacy-url", domain, "/privacy", problems);
        var terms = ReadUrl(configuration, TermsOfUseUrlKey, "--terms-of-use-url", domain, "/terms", problems);

        errors = problems;
        if (problems.Count > 0)
        {
            return null;
        }

        return new AppPackageSettings
        {
            AppId = appId!.Value,
            BotId = botId!.Value,
            Domain = domain!,
            Version = version,
            DeveloperName = developer,
            WebsiteUrl = website!,
            PrivacyUrl = privacy!,
            TermsOfUseUrl = terms!,
        };
    }

    private static string? Value(IConfiguration configuration, string key) =>
        configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static Guid? ReadGuid(IConfiguration configuration, string key, string option, string what, List<string> problems)
    {
        var value = Value(configuration, key);
        if (value is null)
        {
            problems.Add($"{key} ({option}) is missing: {what}.");
            return null;
        }

        // The manifest schema's GUID pattern: 8-4-4-4-12 hex digits, no braces.
        if (!Guid.TryParseExact(value, "D", out var id))
        {
            problems.Add($"{key} ({option}) must be a GUID like 00000000-0000-0000-0000-000000000000, not '{value}'.");
            return null;
        }

        return id;
    }

    private static string? ReadDomain(IConfiguration configuration, List<string> problems)
    {
        var value = Value(configuration, DomainKey);
        if (value is null)
        {
            problems.Add($"{DomainKey} (--domain) is missing: the host name the bot is reached at, like bot.contoso.com.");
            return null;
        }

        var reason = value.Contains("://", StringComparison.Ordinal) ? "without a scheme (no https://)"
            : value.Contains('/', StringComparison.Ordinal) ? "without a path"
            : value.Contains(':', StringComparison.Ordinal) ? "without a port (Teams reaches the bot on 443)"
            : !IsHostName(value) ? "made of letters, digits, hyphens and dots, with at least one dot"
            : null;
        if (reason is not null)
        {
            problems.Add($"{DomainKey} (--domain) must be a bare host name like bot.contoso.com, {reason}, not '{value}'.");
            return null;
        }

        return value.ToLowerInvariant();
    }

    private static bool IsHostName(string value) =>
        value.Length <= 253
        && value.Contains('.', StringComparison.Ordinal)
        && value.Split('.').All(label => label.Length is > 0 and <= 63
            && label[0] != '-' && label[^1] != '-'
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));

    /// <summary>A configured https URL, or by default a page on the bot's domain.</summary>
    private static Uri? ReadUrl(IConfiguration configuration, string key, string option, string? domain, string defaultPath, List<string> problems)
    {
        var value = Value(configuration, key);
        if (value is null)
        {
            return domain is null ? null : new Uri($"https://{domain}{defaultPath}");
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{key} ({option}) must be an https URL, not '{value}'.");
            return null;
        }

        return url;
    }

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
