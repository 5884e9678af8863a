using Microsoft.Extensions.Configuration;

namespace CustomerWorkflow.Bot.Hosting;

/// <summary>The host's own settings (the bot's identity uses the SDK's flat keys, read by the protocol layer).</summary>
public sealed class WorkflowHostOptions
{
    public const string DatabaseVariable = "CUSTOMERWORKFLOW_DB";
    public const string DatabaseKey = "Storage:Sqlite:Path";
    public const string AdminsKey = "Workflow:Admins";
    public const string SampleDataKey = "Workflow:SampleData";

    public static readonly string DefaultDatabasePath = Path.Combine("data", "customerworkflow.db");

    /// <summary>The SQLite file, as a full path.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>The first admins: AAD object ids, UPNs or emails.</summary>
    public required IReadOnlyList<string> Admins { get; init; }

    /// <summary>Load the sample customers, settings and users into an empty database.</summary>
    public bool SampleData { get; init; }

    /// <summary>
    /// Reads <c>Storage:Sqlite:Path</c> (or <c>--db</c>, or <c>CUSTOMERWORKFLOW_DB</c>), <c>Workflow:Admins</c> (a list,
    /// or one comma-separated value) and <c>Workflow:SampleData</c> (default: on in development mode, without an app id).
    /// </summary>
    public static WorkflowHostOptions From(IConfiguration configuration, bool anonymous)
    {
        var path = configuration[DatabaseKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            path = Environment.GetEnvironmentVariable(DatabaseVariable);
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            path = DefaultDatabasePath;
        }

        var section = configuration.GetSection(AdminsKey);
        var admins = (section.Value is { } single ? single.Split([',', ';']) : section.GetChildren().Select(c => c.Value ?? string.Empty))
            .Select(a => a.Trim())
            .Where(a => a.Length > 0)
            .ToArray();

        return new WorkflowHostOptions
        {
            DatabasePath = Path.GetFullPath(path.Trim()),
            Admins = admins,
            SampleData = configuration.GetValue(SampleDataKey, anonymous),
        };
    }
}
