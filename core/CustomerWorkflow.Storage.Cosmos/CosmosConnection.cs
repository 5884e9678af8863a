using Azure.Core;
using Microsoft.Azure.Cosmos;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>How the store reaches its account: an endpoint with a key, or with an Entra ID credential (no key at all).</summary>
public static class CosmosConnection
{
    /// <summary>
    /// A client with the settings the store relies on: throttled requests (429) retried by the SDK up to 9 times within
    /// 30 seconds, honouring the server's retry-after; writes answered without their body (the store never reads it).
    /// A loopback endpoint (an emulator) is reached through the gateway only.
    /// </summary>
    public static CosmosClient CreateClient(Uri endpoint, string? key, TokenCredential? credential, Func<HttpClient>? httpClientFactory = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var options = new CosmosClientOptions
        {
            ApplicationName = "CustomerWorkflow.Bot",
            MaxRetryAttemptsOnRateLimitedRequests = 9,
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(30),
            EnableContentResponseOnWrite = false,
            ConnectionMode = endpoint.IsLoopback ? ConnectionMode.Gateway : ConnectionMode.Direct,
            LimitToEndpoint = endpoint.IsLoopback,
            HttpClientFactory = httpClientFactory,
        };

        if (!string.IsNullOrWhiteSpace(key))
        {
            return new CosmosClient(endpoint.ToString(), key, options);
        }

        return credential is not null
            ? new CosmosClient(endpoint.ToString(), credential, options)
            : throw new ArgumentException("Cosmos DB needs a key or a credential.", nameof(credential));
    }
}
