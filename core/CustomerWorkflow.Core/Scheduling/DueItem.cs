using System.Globalization;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Scheduling;

/// <summary>What a due item asks the scheduler to do.</summary>
public enum DueItemKind
{
    /// <summary>Act on an approval step that is still waiting at its due time (<see cref="OverdueAction"/>).</summary>
    Overdue,

    /// <summary>Send a person their daily digest.</summary>
    Digest,
}

/// <summary>
/// Something the scheduler must do at <see cref="DueAt"/>: act on an overdue step (<see cref="Subject"/> is the proposal id,
/// <see cref="Step"/> its index), or send a digest (<see cref="Subject"/> is the user id). Its <see cref="Id"/> names the
/// moment too, so adding it twice keeps one, and an item for a due time that has moved on is recognised as stale when it is
/// acted on (the proposal says what is due now), never wrongly acted on.
/// </summary>
public sealed record DueItem(DueItemKind Kind, string Subject, int Step, DateTimeOffset DueAt)
{
    public string Id => Kind == DueItemKind.Overdue
        ? string.Create(CultureInfo.InvariantCulture, $"overdue|{Subject}|{Step}|{DueAt.UtcTicks}")
        : string.Create(CultureInfo.InvariantCulture, $"digest|{Subject.ToLowerInvariant()}|{DueAt.UtcTicks}");

    /// <summary>
    /// The item a proposal needs as it stands: one for its waiting step, when that step has a due time and something to
    /// do when it passes. Both stores derive it from the proposal in the write that puts the step in place.
    /// </summary>
    public static DueItem? ForOverdue(Proposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return proposal.WaitingStep is { DueAt: { } due, OnOverdue: not OverdueAction.None }
            ? new DueItem(DueItemKind.Overdue, proposal.Id, proposal.CurrentStep, due)
            : null;
    }

    public static DueItem ForDigest(string userId, DateTimeOffset at) => new(DueItemKind.Digest, userId, 0, at);
}

/// <summary>A due item as one scheduler instance holds it: until <see cref="LeaseUntil"/>, under <see cref="ClaimToken"/>.</summary>
public sealed record ClaimedDueItem(DueItem Item, string Owner, DateTimeOffset LeaseUntil, string ClaimToken);

/// <summary>
/// The due-item port, shared by every instance on one store. An item is claimed by one instance at a time, for a lease;
/// if that instance dies holding it, the lease runs out and another claims it. Completing removes it, and only the
/// claim that holds it can complete it.
/// </summary>
public interface IDueItemStore
{
    /// <summary>Adds the item unless one with its id exists, which is left as it is (claimed or not).</summary>
    Task AddDueItemAsync(DueItem item, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="max"/> items due at <paramref name="now"/> that nobody holds, or whose holder's lease
    /// has run out, for <paramref name="owner"/> until <paramref name="now"/> + <paramref name="lease"/>. Callers racing
    /// on the same items each get different ones.
    /// </summary>
    Task<IReadOnlyList<ClaimedDueItem>> ClaimDueItemsAsync(DateTimeOffset now, TimeSpan lease, string owner, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a claimed item once its work is done. False, removing nothing, when the claim is no longer this one (its
    /// lease ran out and another instance claimed it) or the item is gone.
    /// </summary>
    Task<bool> CompleteDueItemAsync(ClaimedDueItem claimed, CancellationToken cancellationToken = default);
}
