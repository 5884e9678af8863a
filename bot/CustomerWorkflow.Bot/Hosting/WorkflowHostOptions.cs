using Microsoft.Extensions.Configuration;

namespace CustomerWorkflow.Bot.Hosting;

/// <summary>The host's own settings (the bot's identity uses the SDK's flat keys, read by the protocol layer).</summary>
public sealed class WorkflowHostOptions
{
    public const string DatabaseVariable = "CUSTOMERWORKFLOW_DB";
    public const string DatabaseKey = "Storage:Sqlite:Path";
    public const string AdminsKey = "Workflow:Admins";
    public const string SampleDataKey = "Workflow:SampleData";
    public const string ProviderKey = "Storage:Provider";
    public const string CosmosEndpointKey = "Storage:Cosmos:Endpoint";
    public const string CosmosKeyKey = "Storage:Cosmos:Key";
    public const string CosmosDatabaseKey = "Storage:Cosmos:Database";
    public const string CosmosContainerKey = "Storage:Cosmos:Container";
    public const string CosmosThroughputKey = "Storage:Cosmos:Throughput";
    public const string CosmosIdentityKey = "Storage:Cosmos:ManagedIdentityClientId";

    public static readonly string DefaultDatabasePath = Path.Combine("data", "customerworkflow.db");

    /// <summary>The SQLite file, as a full path.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Which store holds the data: <see cref="StorageProvider.Sqlite"/> (the default) or <see cref="StorageProvider.Cosmos"/>.</summary>
    public StorageProvider Provider { get; init; }

    /// <summary>The Cosmos DB settings, when <see cref="Provider"/> is Cosmos.</summary>
    public CosmosSettings? Cosmos { get; init; }

    /// <summary>Where the data is, for the log: the SQLite file, or the Cosmos DB account, database and container.</summary>
    public string StoreDescription => Cosmos is { } cosmos ? $"Cosmos DB {cosmos.Endpoint} {cosmos.Database}/{cosmos.Container}" : DatabasePath;

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

        var providerText = configuration[ProviderKey];
        var provider = string.IsNullOrWhiteSpace(providerText) ? StorageProvider.Sqlite
            : Enum.TryParse<StorageProvider>(providerText.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : throw new InvalidOperationException($"{ProviderKey} must be Sqlite or Cosmos, not '{providerText}'.");

        return new WorkflowHostOptions
        {
            Provider = provider,
            Cosmos = provider == StorageProvider.Cosmos ? CosmosSettings.From(configuration) : null,
            DatabasePath = Path.GetFullPath(path.Trim()),
            Admins = admins,
            SampleData = configuration.GetValue(SampleDataKey, anonymous),
        };
    }
}

public enum StorageProvider
{
    Sqlite,
    Cosmos,
}

/// <summary>
/// Where the Cosmos DB store is: <c>Storage:Cosmos:Endpoint</c> (required), <c>Storage:Cosmos:Key</c> (without it, the
/// host signs in with Entra ID: a managed identity in Azure, <c>Storage:Cosmos:ManagedIdentityClientId</c> for a
/// user-assigned one, or the developer's own sign-in locally), <c>Storage:Cosmos:Database</c>,
/// <c>Storage:Cosmos:Container</c> and <c>Storage:Cosmos:Throughput</c> (RU/s for a container the host creates).
/// </summary>
public sealed record CosmosSettings(Uri Endpoint, string? Key, string? ManagedIdentityClientId, string Database, string Container, int? Throughput)
{
    /// <summary>The key is kept out of the record's text, so logging the settings never logs it.</summary>
    public override string ToString() => $"Cosmos DB {Endpoint} {Database}/{Container}{(Key is null ? " (Entra ID)" : " (key)")}";

    public static CosmosSettings From(IConfiguration configuration)
    {
        var endpointText = configuration[WorkflowHostOptions.CosmosEndpointKey];
        if (string.IsNullOrWhiteSpace(endpointText))
        {
            throw new InvalidOperationException($"{WorkflowHostOptions.CosmosEndpointKey} is required when {WorkflowHostOptions.ProviderKey} is Cosmos (e.g. https://myaccount.documents.azure.com:443/).");
        }

        if (!Uri.TryCreate(endpointText.Trim(), UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"{WorkflowHostOptions.CosmosEndpointKey} must be an https URL, not '{endpointText}'.");
        }

        var throughputText = configuration[WorkflowHostOptions.CosmosThroughputKey];
        int? throughput = null;
        if (!string.IsNullOrWhiteSpace(throughputText))
        {
            throughput = int.TryParse(throughputText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ru) && ru >= 400
                ? ru
                : throw new InvalidOperationException($"{WorkflowHostOptions.CosmosThroughputKey} must be a whole number of RU/s, at least 400, not '{throughputText}'.");
        }

        var key = configuration[WorkflowHostOptions.CosmosKeyKey];
        var identity = configuration[WorkflowHostOptions.CosmosIdentityKey];
        return new CosmosSettings(
            endpoint,
            string.IsNullOrWhiteSpace(key) ? null : key.Trim(),
            string.IsNullOrWhiteSpace(identity) ? null : identity.Trim(),
            Text(configuration[WorkflowHostOptions.CosmosDatabaseKey], "customerworkflow"),
            Text(configuration[WorkflowHostOptions.CosmosContainerKey], "workflow"),
            throughput);
    }

    private static string Text(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}
