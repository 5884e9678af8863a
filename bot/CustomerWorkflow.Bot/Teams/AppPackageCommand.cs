using Microsoft.Extensions.Configuration.Memory;

namespace CustomerWorkflow.Bot.Teams;

/// <summary>
/// <c>manifest</c>, the host's one subcommand: builds the Teams app package from options, falling back to the same
/// configuration the host reads (appsettings.json, environment variables), so the bot's own <c>MicrosoftAppId</c> is
/// its bot id without typing it twice. Bad input gets a short message and exit code 2, and no zip.
/// </summary>
public static class AppPackageCommand
{
    public const string Name = "manifest";

    public const int Success = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    /// <summary>Each option and the configuration key it sets.</summary>
    private static readonly Dictionary<string, string> _options = new(StringComparer.Ordinal)
    {
        ["--app-id"] = AppPackageSettings.AppIdKey,
        ["--bot-id"] = AppPackageSettings.BotIdKey,
        ["--domain"] = AppPackageSettings.DomainKey,
        ["--version"] = AppPackageSettings.VersionKey,
        ["--developer-name"] = AppPackageSettings.DeveloperNameKey,
        ["--website-url"] = AppPackageSettings.WebsiteUrlKey,
        ["--privacy-url"] = AppPackageSettings.PrivacyUrlKey,
        ["--terms-of-use-url"] = AppPackageSettings.TermsOfUseUrlKey,
    };

    private const string OutOption = "--out";

    public const string Usage = """
        Builds the Teams app package (manifest.json, color.png, outline.png) for upload to Teams.

        usage: dotnet run --project bot/CustomerWorkflow.Bot -- manifest --app-id <guid> --bot-id <guid> --domain <host> [options]

          --app-id <guid>            the Teams app's id: choose one once (uuidgen) and keep it      Teams:AppId
          --bot-id <guid>            the Azure Bot's Microsoft App ID                               MicrosoftAppId
          --domain <host>            the host name the bot is reached at, like bot.contoso.com      Teams:Domain
          --version <x.y.z>          the app's version; raise it for every changed upload (1.0.0)   Teams:Version
          --developer-name <name>    shown in Teams as the publisher (Customer Workflow)            Teams:DeveloperName
          --website-url <url>        https://<domain>/ by default                                   Teams:WebsiteUrl
          --privacy-url <url>        https://<domain>/privacy by default                            Teams:PrivacyUrl
          --terms-of-use-url <url>   https://<domain>/terms by default                              Teams:TermsOfUseUrl
          --out <path.zip>           where to write it (customer-workflow-teams-<version>.zip)

        An option left out is read from the configuration key beside it (appsettings.json or an environment variable
        such as Teams__Domain), as the bot host reads its settings.
        """;

    public static bool IsInvoked(IReadOnlyList<string> args) =>
        args is not null && args.Count > 0 && string.Equals(args[0], Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>The configuration the host would read in the current directory: appsettings.json and environment variables.</summary>
    public static IConfiguration HostConfiguration() =>
        new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();

    /// <summary>Runs the subcommand with the arguments after its name; returns the process's exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var given = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        string? outPath = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                output.WriteLine(Usage);
                return Success;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var option = equals > 0 ? arg[..equals] : arg;
            if (option != OutOption && !_options.ContainsKey(option))
            {
                return Refuse(error, [$"unknown {(arg.StartsWith('-') ? "option" : "argument")} '{arg}'."]);
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                return Refuse(error, [$"{option} needs a value."]);
            }

            if (option == OutOption)
            {
                outPath = value;
            }
            else
            {
                given[_options[option]] = value;
            }
        }

        // Options win over configuration, as command-line arguments win over the host's other sources.
        var merged = new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .Add(new MemoryConfigurationSource { InitialData = given })
            .Build();
        var settings = AppPackageSettings.From(merged, out var problems);
        if (settings is null)
        {
            return Refuse(error, problems);
        }

        var path = Path.GetFullPath(outPath is { Length: > 0 } ? outPath : $"customer-workflow-teams-{settings.Version}.zip");
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, $"customer-workflow-teams-{settings.Version}.zip");
        }

        try
        {
            AppPackage.Write(settings, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: could not write {path}: {e.Message}");
            return Failed;
        }

        output.WriteLine($"Wrote {path}");
        output.WriteLine($"  app {settings.AppId}, version {settings.Version}, bot {settings.BotId}, domain {settings.Domain}");
        output.WriteLine("  Upload it in Teams (Apps > Manage your apps > Upload an app) or in the Teams admin center.");
        return Success;
    }

    private static int Refuse(TextWriter error, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            error.WriteLine($"error: {problem}");
        }

        error.WriteLine("Run with --help for the options. Nothing was written.");
        return BadInput;
    }
}
