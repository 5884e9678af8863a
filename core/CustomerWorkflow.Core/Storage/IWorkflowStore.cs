using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Storage;

/// <summary>
/// A customer with its open proposal (at most one): the unit that is read and written atomically.
/// <see cref="Version"/> is the store's concurrency token for the whole unit.
/// </summary>
/// <param name="ProposalSequence">The number of the last proposal started for this customer.</param>
public sealed record CustomerRecord(Customer Customer, Proposal? OpenProposal, int ProposalSequence, long Version);

/// <summary>
/// One atomic write of a customer unit: the customer as it should now be, and the proposal that changed (open,
/// or just closed) with its new history entries. <see cref="ExpectedVersion"/> 0 creates a new customer.
/// </summary>
public sealed record RecordWrite(Customer Customer, Proposal? Proposal, int ProposalSequence, long ExpectedVersion)
{
    public string CustomerId => Customer.Id;
}

/// <summary>Thrown by a store when a write's expected version does not match: someone else wrote first.</summary>
public sealed class ConcurrencyException(string message) : Exception(message);

/// <summary>
/// The storage port. Every operation is a point read or write of one customer unit or a query within one
/// customer, except the per-user lists and the search, which an adapter may serve from its own index.
/// Writes are atomic and checked against the expected version; history entries are appended, never rewritten.
/// </summary>
public interface IWorkflowStore
{
    /// <summary>Creates the schema (or containers) when missing and brings it up to date.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    Task<CustomerRecord?> GetAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Several units at once (imports); missing ids are absent from the result.</summary>
    Task<IReadOnlyDictionary<string, CustomerRecord>> GetManyAsync(IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes all units atomically or none: throws <see cref="ConcurrencyException"/> when any expected version
    /// does not match (or a customer to create exists), and then nothing is written.
    /// </summary>
    Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>A proposal in any status, or null.</summary>
    Task<Proposal?> GetProposalAsync(string proposalId, CancellationToken cancellationToken = default);

    /// <summary>All proposals of a customer, newest first.</summary>
    Task<IReadOnlyList<Proposal>> ListProposalsAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>The history of all proposals of a customer, in order.</summary>
    Task<IReadOnlyList<HistoryEntry>> ListHistoryAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Pending proposals in which the user is due to act (an undecided approver of the waiting step).</summary>
    Task<IReadOnlyList<Proposal>> ListAwaitingAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Proposals the user created or submitted, newest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<Proposal>> ListByUserAsync(string userId, int max, CancellationToken cancellationToken = default);

    /// <summary>Customers whose id or name contains the text (case-insensitive), at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<Customer>> FindCustomersAsync(string text, int max, CancellationToken cancellationToken = default);

    Task<int> CountCustomersAsync(CancellationToken cancellationToken = default);

    /// <summary>The settings, or null before anything was saved.</summary>
    Task<SettingsRecord?> GetSettingsAsync(CancellationToken cancellationToken = default);

    /// <summary>Saves settings and appends their change records atomically; <paramref name="expectedVersion"/> 0 creates them.</summary>
    Task<long> SaveSettingsAsync(WorkflowSettings settings, long expectedVersion, IReadOnlyList<SettingsChange> changes, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SettingsChange>> ListSettingsChangesAsync(int max, CancellationToken cancellationToken = default);
}
