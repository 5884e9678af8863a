namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>Where the store keeps its documents, and how it sizes what it creates.</summary>
public sealed record CosmosStoreOptions
{
    public string Database { get; init; } = "customerworkflow";

    public string Container { get; init; } = "workflow";

    /// <summary>Manual throughput (RU/s) for a container the store creates; null creates it without (serverless, or shared database throughput).</summary>
    public int? Throughput { get; init; }

    /// <summary>
    /// How many partitions the customer search index is spread over. A search asks each; a rename writes one. Fixed
    /// once customers exist (changing it orphans the index).
    /// </summary>
    public int SearchBuckets { get; init; } = 8;

    /// <summary>How long the start may take before a wrong endpoint is reported as unreachable.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
