using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Azure.Cosmos;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>The outcome of a conditional write.</summary>
internal readonly record struct Written(bool Ok, string? ETag, HttpStatusCode Status)
{
    public bool Conflict => Status is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound;
}

/// <summary>Thrown when Cosmos DB answers with something other than success or a lost race (throttled past the retries, forbidden, unavailable).</summary>
public sealed class CosmosStoreException(string message, HttpStatusCode status) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The container through its stream API: documents are (de)serialised here with source-generated System.Text.Json, and
/// status codes are results, not exceptions. Counts round trips and the request charge the server reports.
/// </summary>
internal sealed class CosmosDocuments(Container container)
{
    private long _roundTrips;
    private long _milliRequestUnits;

    public Container Container => container;

    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    public double RequestUnits => Interlocked.Read(ref _milliRequestUnits) / 1000.0;

    public async Task<(T? Document, string? ETag)> ReadAsync<T>(string pk, string id, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await container.ReadItemStreamAsync(id, new PartitionKey(pk), null, cancellationToken).ConfigureAwait(false);
        Count(response);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }

        Ensure(response, "read");
        return (await JsonSerializer.DeserializeAsync(response.Content, type, cancellationToken).ConfigureAwait(false), response.Headers.ETag);
    }

    /// <summary>Creates the document; <see cref="HttpStatusCode.Conflict"/> when one with its id exists.</summary>
    public async Task<Written> CreateAsync<T>(string pk, T document, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var body = Serialize(document, type);
        using var response = await container.CreateItemStreamAsync(body, new PartitionKey(pk), null, cancellationToken).ConfigureAwait(false);
        return Outcome(response, "create");
    }

    /// <summary>Replaces the document if it is still at <paramref name="etag"/>; a precondition failure when it moved.</summary>
    public async Task<Written> ReplaceAsync<T>(string pk, string id, T document, JsonTypeInfo<T> type, string etag, CancellationToken cancellationToken)
    {
        using var body = Serialize(document, type);
        using var response = await container.ReplaceItemStreamAsync(body, id, new PartitionKey(pk), new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken).ConfigureAwait(false);
        return Outcome(response, "replace");
    }

    public async Task<Written> UpsertAsync<T>(string pk, T document, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var body = Serialize(document, type);
        using var response = await container.UpsertItemStreamAsync(body, new PartitionKey(pk), null, cancellationToken).ConfigureAwait(false);
        return Outcome(response, "upsert");
    }

    /// <summary>Deletes the document (at <paramref name="etag"/> when given); a missing one is not an error.</summary>
    public async Task<Written> DeleteAsync(string pk, string id, CancellationToken cancellationToken, string? etag = null)
    {
        using var response = await container.DeleteItemStreamAsync(id, new PartitionKey(pk),
            etag is null ? null : new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken).ConfigureAwait(false);
        return Outcome(response, "delete");
    }

    /// <summary>A query within one partition (the only kind the design uses), every page of it.</summary>
    public async Task<List<T>> QueryAsync<T>(string pk, QueryDefinition query, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var iterator = container.GetItemQueryStreamIterator(query, null, new QueryRequestOptions { PartitionKey = new PartitionKey(pk) });
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            Count(response);
            Ensure(response, "query");
            using var page = await JsonDocument.ParseAsync(response.Content, default, cancellationToken).ConfigureAwait(false);
            foreach (var element in page.RootElement.GetProperty("Documents").EnumerateArray())
            {
                results.Add(element.Deserialize(type)!);
            }
        }

        return results;
    }

    /// <summary>The whole partition's documents of one kind.</summary>
    public Task<List<T>> QueryKindAsync<T>(string pk, string kind, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        QueryAsync(pk, new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.t = @t").WithParameter("@pk", pk).WithParameter("@t", kind), type, cancellationToken);

    private static MemoryStream Serialize<T>(T document, JsonTypeInfo<T> type) => new(JsonSerializer.SerializeToUtf8Bytes(document, type), writable: false);

    private Written Outcome(ResponseMessage response, string operation)
    {
        Count(response);
        if (response.IsSuccessStatusCode)
        {
            return new Written(true, response.Headers.ETag, response.StatusCode);
        }

        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return new Written(false, null, response.StatusCode);
        }

        Ensure(response, operation);
        return default;
    }

    private void Count(ResponseMessage response)
    {
        Interlocked.Increment(ref _roundTrips);
        Interlocked.Add(ref _milliRequestUnits, (long)(response.Headers.RequestCharge * 1000));
    }

    private static void Ensure(ResponseMessage response, string operation)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = response.StatusCode;
        var why = status switch
        {
            HttpStatusCode.TooManyRequests => "Cosmos DB is throttling requests (429) beyond the client's retries; raise the container's throughput or try again",
            HttpStatusCode.Unauthorized => "Cosmos DB refused the key or token (401)",
            HttpStatusCode.Forbidden => "Cosmos DB refused the request (403): the identity lacks a data-plane role on the account, or the firewall blocks this host",
            HttpStatusCode.RequestTimeout or HttpStatusCode.ServiceUnavailable => $"Cosmos DB did not answer in time ({(int)status})",
            _ => $"Cosmos DB answered {(int)status} {status}",
        };
        throw new CosmosStoreException($"{why} on {operation}.", status);
    }
}
