using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.People;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Storage;
using CustomerWorkflow.Core.Workflows;
using Microsoft.Azure.Cosmos;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>
/// The production store: one Cosmos DB container partitioned by <c>/pk</c> (DESIGN.md). A customer with its open
/// proposal is one document in the customer's own partition, replaced under its ETag; a closing write keeps the closed
/// proposal in that document until its own document exists, so every write that matters is one conditional replace.
/// Per-user lists and the search index are pointers written before the unit and checked against it when read.
/// Writes to several customers at once (imports) go through a small commit protocol (<see cref="CommitManyAsync"/>).
/// </summary>
public sealed partial class CosmosWorkflowStore : IWorkflowStore, IUserStore, IIdempotencyStore, IDeliveryStore, IWorkflowDefinitionStore, IDisposable
{
    /// <summary>A pointer younger than this may belong to a write still in flight, so a reader leaves it alone.</summary>
    private static readonly TimeSpan PointerGrace = TimeSpan.FromMinutes(10);

    private const int Parallelism = 16;
    private const int MaxCachedUnits = 20_000;

    private readonly CosmosClient _client;
    private readonly bool _ownsClient;
    private readonly CosmosStoreOptions _options;
    private readonly ConcurrentDictionary<string, LoadedUnit> _units = new(StringComparer.Ordinal);
    private CosmosDocuments? _documents;
    private volatile CachedSettings? _settings;

    /// <param name="ownsClient">True when disposing the store should dispose the client.</param>
    public CosmosWorkflowStore(CosmosClient client, CosmosStoreOptions options, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (options.SearchBuckets is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SearchBuckets must be between 1 and 1000.");
        }

        _client = client;
        _options = options;
        _ownsClient = ownsClient;
    }

    /// <summary>The container the store keeps its documents in.</summary>
    public string ContainerName => _options.Container;

    /// <summary>Round trips to Cosmos DB since the store opened (the design's cost table is measured with it).</summary>
    public long RoundTrips => Documents.RoundTrips;

    /// <summary>Request units Cosmos DB reported since the store opened (the test server reports 1 for everything).</summary>
    public double RequestUnits => Documents.RequestUnits;

    private CosmosDocuments Documents => _documents ?? throw new InvalidOperationException("Call InitializeAsync before using the store.");

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StartTimeout);
        var endpoint = _client.Endpoint;
        try
        {
            var database = await _client.CreateDatabaseIfNotExistsAsync(_options.Database, cancellationToken: timeout.Token).ConfigureAwait(false);
            var properties = new ContainerProperties(_options.Container, "/pk")
            {
                // Items expire only when they say so (idempotency claims do).
                DefaultTimeToLive = -1,
                IndexingPolicy = IndexingPolicy(),
            };
            var container = await database.Database.CreateContainerIfNotExistsAsync(properties, _options.Throughput, cancellationToken: timeout.Token).ConfigureAwait(false);
            _documents = new CosmosDocuments(container.Container);
            // A data-plane read proves the key or identity can read items, not only manage the account.
            await Documents.ReadAsync(Keys.SettingsPk, "settings", DocJson.Default.SettingsDoc, timeout.Token).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Unauthorized)
        {
            throw new CosmosStoreException($"Cosmos DB at {endpoint} refused the key or token (401). Check Storage:Cosmos:Key, or the identity's role assignment.", e.StatusCode);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Forbidden)
        {
            throw new CosmosStoreException($"Cosmos DB at {endpoint} refused this identity (403): it needs the Cosmos DB Built-in Data Contributor role, and the firewall must let this host in. {FirstLine(e.Message)}", e.StatusCode);
        }
        catch (CosmosException e) when (e.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout or 0))
        {
            throw new CosmosStoreException($"Cosmos DB at {endpoint} refused to open database {_options.Database}, container {_options.Container} ({(int)e.StatusCode} {e.StatusCode}): {FirstLine(e.Message)}", e.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or CosmosException && !cancellationToken.IsCancellationRequested)
        {
            throw new CosmosStoreException($"Cosmos DB at {endpoint} is unreachable or did not answer within {_options.StartTimeout.TotalSeconds:0} s: {FirstLine(e.Message)}", HttpStatusCode.ServiceUnavailable);
        }
    }

    public async Task<CustomerRecord?> GetAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var unit = await LoadUnitAsync(customerId, forWrite: false, cancellationToken).ConfigureAwait(false);
        return unit.State is null ? null : ToRecord(unit.State);
    }

    public async Task<IReadOnlyDictionary<string, CustomerRecord>> GetManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken = default)
    {
        var records = new ConcurrentDictionary<string, CustomerRecord>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(customerIds.Distinct(StringComparer.Ordinal), Options(cancellationToken), async (id, ct) =>
        {
            if (await GetAsync(id, ct).ConfigureAwait(false) is { } record)
            {
                records[id] = record;
            }
        }).ConfigureAwait(false);
        return records;
    }

    public Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Select(w => w.CustomerId).Distinct(StringComparer.Ordinal).Count() != writes.Count)
        {
            throw new ArgumentException("A commit writes each customer once.", nameof(writes));
        }

        return writes.Count switch
        {
            0 => Task.CompletedTask,
            1 => CommitOneAsync(writes[0], cancellationToken),
            _ => CommitManyAsync(writes, cancellationToken),
        };
    }

    public async Task<Proposal?> GetProposalAsync(string proposalId, CancellationToken cancellationToken = default) =>
        (await FindProposalAsync(proposalId, cancellationToken).ConfigureAwait(false))?.Proposal;

    public async Task<IReadOnlyList<Proposal>> ListProposalsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var (state, closed) = await ReadCustomerPartitionAsync(customerId, cancellationToken).ConfigureAwait(false);
        var proposals = closed.Select(c => ToProposal(c.Proposal)).ToList();
        if (state?.Open is { } open)
        {
            proposals.Add(ToProposal(open));
        }

        return [.. proposals.OrderByDescending(p => p.Number)];
    }

    public async Task<IReadOnlyList<HistoryEntry>> ListHistoryAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var (state, closed) = await ReadCustomerPartitionAsync(customerId, cancellationToken).ConfigureAwait(false);
        var runs = closed.Select(c => (c.Number, c.History)).ToList();
        if (state is { Open: { } open, OpenHistory: { } history })
        {
            runs.Add((ToProposal(open).Number, history));
        }

        return [.. runs.OrderBy(r => r.Number).SelectMany(r => r.History.OrderBy(h => h.Sequence))];
    }

    public async Task<IReadOnlyList<Proposal>> ListAwaitingAsync(string userId, CancellationToken cancellationToken = default)
    {
        var found = await ResolvePointersAsync(userId, "a", cancellationToken).ConfigureAwait(false);
        return
        [
            .. found.Where(f => f.Open && f.Proposal.DueApprovers.Contains(userId, StringComparer.OrdinalIgnoreCase))
                .OrderBy(f => f.UpdatedAt).ThenBy(f => f.Proposal.Id, StringComparer.Ordinal).Select(f => f.Proposal),
        ];
    }

    public async Task<IReadOnlyList<Proposal>> ListByUserAsync(string userId, int max, CancellationToken cancellationToken = default)
    {
        var found = await ResolvePointersAsync(userId, "b", cancellationToken).ConfigureAwait(false);
        return
        [
            .. found.Where(f => IsOwnedBy(f, userId))
                .OrderByDescending(f => f.UpdatedAt).ThenBy(f => f.Proposal.Id, StringComparer.Ordinal).Take(max).Select(f => f.Proposal),
        ];
    }

    public async Task<IReadOnlyList<Customer>> FindCustomersAsync(string text, int max, CancellationToken cancellationToken = default)
    {
        var needle = text.Trim().ToLowerInvariant();
        var candidates = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, _options.SearchBuckets), Options(cancellationToken), async (bucket, ct) =>
        {
            var pk = Keys.SearchBucket(bucket);
            var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.t = 'search' AND CONTAINS(c.s, @text)")
                .WithParameter("@pk", pk).WithParameter("@text", needle);
            foreach (var entry in await Documents.QueryAsync(pk, query, DocJson.Default.SearchDoc, ct).ConfigureAwait(false))
            {
                candidates.Add(entry.Id);
            }
        }).ConfigureAwait(false);

        // The index may be ahead of a rename or a create still in flight: each candidate is checked against its customer.
        var customers = new List<Customer>();
        foreach (var chunk in candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Chunk(Math.Max(max, 1)))
        {
            var records = await GetManyAsync(chunk, cancellationToken).ConfigureAwait(false);
            customers.AddRange(chunk.Where(records.ContainsKey).Select(id => records[id].Customer).Where(c => SearchText(c).Contains(needle, StringComparison.Ordinal)));
            if (customers.Count >= max)
            {
                break;
            }
        }

        return [.. customers.Take(max)];
    }

    public async Task<int> CountCustomersAsync(CancellationToken cancellationToken = default)
    {
        // Settled index entries count as they are; one written ahead of a create counts only once its customer exists.
        var total = 0;
        var pending = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, _options.SearchBuckets), Options(cancellationToken), async (bucket, ct) =>
        {
            var pk = Keys.SearchBucket(bucket);
            var query = new QueryDefinition("SELECT c.id, c.p FROM c WHERE c.pk = @pk AND c.t = 'search'").WithParameter("@pk", pk);
            var entries = await Documents.QueryAsync(pk, query, DocJson.Default.IndexEntry, ct).ConfigureAwait(false);
            Interlocked.Add(ref total, entries.Count(e => !e.Pending));
            foreach (var entry in entries.Where(e => e.Pending))
            {
                pending.Add(entry.Id);
            }
        }).ConfigureAwait(false);
        return total + (pending.IsEmpty ? 0 : (await GetManyAsync([.. pending], cancellationToken).ConfigureAwait(false)).Count);
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private static IndexingPolicy IndexingPolicy()
    {
        // Only what the queries filter on is indexed: every other path would add to each write's charge for nothing.
        var policy = new IndexingPolicy { IndexingMode = IndexingMode.Consistent, Automatic = true };
        policy.IncludedPaths.Add(new IncludedPath { Path = "/t/?" });
        policy.IncludedPaths.Add(new IncludedPath { Path = "/s/?" });
        policy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return policy;
    }

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    internal static string SearchText(Customer customer) => $"{customer.Id} {customer.Name}".ToLowerInvariant();

    internal static Proposal ToProposal(JsonElement state) =>
        Proposal.FromState(state.Deserialize(CompactProposalJson.State) ?? throw new InvalidDataException("A stored proposal is empty."));

    internal static JsonElement ToElement(Proposal proposal) => JsonSerializer.SerializeToElement(proposal.ToState(), CompactProposalJson.State);

    private static CustomerRecord ToRecord(UnitState state) => new(
        ToCustomer(state),
        state.Open is { } open ? ToProposal(open) : null,
        state.ProposalSequence,
        state.Version);

    private static Customer ToCustomer(UnitState state) =>
        new(state.CustomerId, new Dictionary<string, string>(state.Fields, StringComparer.OrdinalIgnoreCase));

    /// <summary>When a proposal last changed: its newest history entry, or its start.</summary>
    private static DateTimeOffset UpdatedAt(Proposal proposal, IReadOnlyList<HistoryEntry>? history) =>
        history is { Count: > 0 } ? history[^1].At : proposal.CreatedAt;

    /// <summary>The unit and the closed proposals of one customer: a point read and one single-partition query.</summary>
    private async Task<(UnitState? State, List<ClosedProposalDoc> Closed)> ReadCustomerPartitionAsync(string customerId, CancellationToken cancellationToken)
    {
        var unit = LoadUnitAsync(customerId, forWrite: false, cancellationToken);
        var closed = Documents.QueryKindAsync(Keys.Customer(customerId), "proposal", DocJson.Default.ClosedProposalDoc, cancellationToken);
        var state = (await unit.ConfigureAwait(false)).State;
        var all = await closed.ConfigureAwait(false);
        if (state?.LastClosed is { } last && all.All(c => c.Id != last.Id))
        {
            all.Add(last);
        }

        return (state, all);
    }

    private sealed record FoundProposal(Proposal Proposal, bool Open, DateTimeOffset UpdatedAt, IReadOnlyList<HistoryEntry> History);

    /// <summary>
    /// The proposals a user's pointers of one kind lead to, as they are now. A pointer whose proposal does not exist (a
    /// write that never landed) is dropped once it is older than <see cref="PointerGrace"/>.
    /// </summary>
    private async Task<List<FoundProposal>> ResolvePointersAsync(string userId, string kind, CancellationToken cancellationToken)
    {
        var pk = Keys.User(userId);
        var pointers = await Documents.QueryKindAsync(pk, kind, DocJson.Default.UserListDoc, cancellationToken).ConfigureAwait(false);
        var found = new ConcurrentBag<FoundProposal>();
        await Parallel.ForEachAsync(pointers, Options(cancellationToken), async (pointer, ct) =>
        {
            var proposal = await FindProposalAsync(pointer.ProposalId, ct).ConfigureAwait(false);
            if (proposal is not null)
            {
                found.Add(proposal);
            }

            var stale = proposal is null || (kind == "a" && !(proposal.Open && proposal.Proposal.DueApprovers.Contains(userId, StringComparer.OrdinalIgnoreCase)));
            if (stale && pointer.At < DateTimeOffset.UtcNow - PointerGrace)
            {
                await Documents.DeleteAsync(pk, pointer.Id, ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return [.. found];
    }

    /// <summary>A proposal where it is now: open in its unit, closed in the unit's outbox, or in its own document.</summary>
    private async Task<FoundProposal?> FindProposalAsync(string proposalId, CancellationToken cancellationToken)
    {
        if (ProposalId.CustomerIdOf(proposalId) is not { } customerId)
        {
            return null;
        }

        var unit = await LoadUnitAsync(customerId, forWrite: false, cancellationToken).ConfigureAwait(false);
        if (unit.State is not { } state)
        {
            return null;
        }

        if (state.OpenId == proposalId && state.Open is { } open)
        {
            var proposal = ToProposal(open);
            var history = state.OpenHistory ?? [];
            return new FoundProposal(proposal, true, UpdatedAt(proposal, history), history);
        }

        var closedId = Keys.ClosedProposal(proposalId);
        var closed = state.LastClosed?.Id == closedId
            ? state.LastClosed
            : (await Documents.ReadAsync(Keys.Customer(customerId), closedId, DocJson.Default.ClosedProposalDoc, cancellationToken).ConfigureAwait(false)).Document;
        if (closed is null)
        {
            return null;
        }

        var closedProposal = ToProposal(closed.Proposal);
        return new FoundProposal(closedProposal, false, closed.UpdatedAt, closed.History);
    }

    /// <summary>The user created the proposal, or submitted it at some point (the history says who did).</summary>
    private static bool IsOwnedBy(FoundProposal found, string userId) =>
        string.Equals(found.Proposal.CreatedBy, userId, StringComparison.OrdinalIgnoreCase)
        || string.Equals(found.Proposal.SubmittedBy, userId, StringComparison.OrdinalIgnoreCase)
        || found.History.Any(h => h.Action is HistoryAction.Submitted or HistoryAction.Resubmitted && string.Equals(h.ActorId, userId, StringComparison.OrdinalIgnoreCase));

    private sealed record CachedSettings(SettingsDoc Document, string ETag, SettingsRecord Record);
}
