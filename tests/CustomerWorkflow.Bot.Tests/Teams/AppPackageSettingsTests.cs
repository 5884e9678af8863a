using CustomerWorkflow.Bot.Teams;
using Microsoft.Extensions.Configuration;

namespace CustomerWorkflow.Bot.Tests.Teams;

/// <summary>The package's settings: read from configuration, checked before anything is built.</summary>
public sealed class AppPackageSettingsTests
{
    private const string AppId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    private const string BotId = "9b2c6a41-0d7e-4f3a-8e55-1c2d3e4f5a6b";

    private static IConfiguration Configuration(params (string Key, string? Value)[] overrides)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [AppPackageSettings.AppIdKey] = AppId,
            [AppPackageSettings.BotIdKey] = BotId,
            [AppPackageSettings.DomainKey] = "bot.contoso.com",
        };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    [Fact]
    public void Ids_and_domain_are_normalised_and_the_developer_pages_default_to_the_domain()
    {
        var settings = AppPackageSettings.From(Configuration(
            (AppPackageSettings.AppIdKey, AppId.ToUpperInvariant()),
            (AppPackageSettings.DomainKey, " Bot.Contoso.COM ")), out var errors);

        Assert.Empty(errors);
        Assert.NotNull(settings);
        Assert.Equal(AppId, settings.AppId.ToString());
        Assert.Equal("bot.contoso.com", settings.Domain);
        Assert.Equal(AppPackageSettings.DefaultVersion, settings.Version);
        Assert.Equal("https://bot.contoso.com/", settings.WebsiteUrl.AbsoluteUri);
        Assert.Equal("https://bot.contoso.com/privacy", settings.PrivacyUrl.AbsoluteUri);
        Assert.Equal("https://bot.contoso.com/terms", settings.TermsOfUseUrl.AbsoluteUri);
    }

    [Fact]
    public void Configured_developer_pages_and_version_are_taken_as_given()
    {
        var settings = AppPackageSettings.From(Configuration(
            (AppPackageSettings.VersionKey, "10.0.12"),
            (AppPackageSettings.DeveloperNameKey, "Contoso IT"),
            (AppPackageSettings.PrivacyUrlKey, "https://contoso.com/legal/privacy")), out _);

        Assert.NotNull(settings);
        Assert.Equal("10.0.12", settings.Version);
        Assert.Equal("Contoso IT", settings.DeveloperName);
        Assert.Equal("https://contoso.com/legal/privacy", settings.PrivacyUrl.AbsoluteUri);
    }

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { AppPackageSettings.AppIdKey, "", "--app-id" },
        { AppPackageSettings.AppIdKey, "not-a-guid", "GUID" },
        { AppPackageSettings.AppIdKey, "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}", "GUID" },
        { AppPackageSettings.BotIdKey, "28:3f2504e0-4f89-41d3-9a0c-0305e82c3301", "GUID" },
        { AppPackageSettings.DomainKey, "", "--domain" },
        { AppPackageSettings.DomainKey, "https://bot.contoso.com", "without a scheme" },
        { AppPackageSettings.DomainKey, "bot.contoso.com/api/messages", "without a path" },
        { AppPackageSettings.DomainKey, "bot.contoso.com:443", "without a port" },
        { AppPackageSettings.DomainKey, "localhost", "at least one dot" },
        { AppPackageSettings.DomainKey, "bot_1.contoso.com", "letters, digits, hyphens" },
        { AppPackageSettings.DomainKey, "-bot.contoso.com", "letters, digits, hyphens" },
        { AppPackageSettings.VersionKey, "1.0", "major.minor.patch" },
        { AppPackageSettings.VersionKey, "1.0.0-beta", "major.minor.patch" },
        { AppPackageSettings.VersionKey, "01.0.0", "major.minor.patch" },
        { AppPackageSettings.DeveloperNameKey, new string('x', 33), "at most 32" },
        { AppPackageSettings.WebsiteUrlKey, "http://contoso.com", "https URL" },
        { AppPackageSettings.TermsOfUseUrlKey, "/terms", "https URL" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_refused_with_its_key_and_what_is_wrong(string key, string value, string explanation)
    {
        var settings = AppPackageSettings.From(Configuration((key, value)), out var errors);

        Assert.Null(settings);
        var error = Assert.Single(errors);
        Assert.StartsWith(key + " ", error, StringComparison.Ordinal);
        Assert.Contains(explanation, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var settings = AppPackageSettings.From(new ConfigurationBuilder().Build(), out var errors);

        Assert.Null(settings);
        Assert.Equal(
            [AppPackageSettings.AppIdKey, AppPackageSettings.BotIdKey, AppPackageSettings.DomainKey],
            errors.Select(e => e[..e.IndexOf(' ', StringComparison.Ordinal)]));
    }
}
