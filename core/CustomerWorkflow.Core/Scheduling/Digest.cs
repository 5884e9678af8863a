using System.Globalization;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Proposals;

namespace CustomerWorkflow.Core.Scheduling;

/// <summary>What a digest entry is about.</summary>
public enum DigestKind
{
    /// <summary>A proposal waits for the person's approval.</summary>
    ApprovalRequested,

    /// <summary>A proposal of the person's was decided (applied, rejected, sent back, in conflict).</summary>
    Decided,
}

/// <summary>A notice held for a person's daily digest instead of being sent at once.</summary>
/// <param name="Id">Unique per user, ordered by time.</param>
/// <param name="Text">The notice as it would have been sent.</param>
public sealed record DigestEntry(string UserId, string Id, DateTimeOffset At, DigestKind Kind, string ProposalId, string CustomerId, string Text)
{
    public static DigestEntry Create(string userId, DateTimeOffset at, DigestKind kind, string proposalId, string customerId, string text) =>
        new(userId, string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}|{Guid.NewGuid():N}"), at, kind, proposalId, customerId, text);
}

/// <summary>The digest port: each person's held notices, kept in their own partition.</summary>
public interface IDigestStore
{
    Task AddDigestEntryAsync(DigestEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The person's held notices, oldest first.</summary>
    Task<IReadOnlyList<DigestEntry>> ListDigestEntriesAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Removes these entries (by id); missing ones are ignored.</summary>
    Task RemoveDigestEntriesAsync(string userId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);
}

/// <summary>When digests go out: once a day at <see cref="Hour"/>:00 in <see cref="Zone"/>.</summary>
public sealed record DigestSchedule(int Hour, TimeZoneInfo Zone)
{
    public static DigestSchedule Default { get; } = new(8, TimeZoneInfo.Utc);

    /// <summary>The first digest time strictly after <paramref name="now"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        for (var day = 0; day <= 2; day++)
        {
            var date = local.Date.AddDays(day).AddHours(Hour);
            // A digest hour that a clock change skips goes out an hour later that day.
            if (Zone.IsInvalidTime(date))
            {
                date = date.AddHours(1);
            }

            var at = new DateTimeOffset(date, Zone.GetUtcOffset(date));
            if (at > now)
            {
                return at.ToUniversalTime();
            }
        }

        throw new InvalidOperationException("No digest time within two days.");
    }
}

/// <summary>A proposal still waiting for the digest's reader, and since when they were asked.</summary>
public sealed record DigestWaiting(Proposal Proposal, Customer Customer, DateTimeOffset Since);

/// <summary>
/// One person's daily digest: the approvals that still wait for them (asked for since the last digest), the decisions on
/// their proposals, and how many requests were decided by others before the digest went out.
/// </summary>
public sealed record DailyDigest(string UserId, DateTimeOffset At, IReadOnlyList<DigestWaiting> Waiting, IReadOnlyList<DigestEntry> Decided, int NoLongerWaiting)
{
    public bool IsEmpty => Waiting.Count == 0 && Decided.Count == 0;
}

/// <summary>Holds notices for people who chose the daily digest: the entry, and the due item of their next digest.</summary>
public sealed class DigestQueue(IDigestStore digests, IDueItemStore dueItems, DigestSchedule schedule, TimeProvider time)
{
    public DigestSchedule Schedule => schedule;

    /// <summary>Holds the notice; returns when the digest that lists it goes out.</summary>
    public async Task<DateTimeOffset> HoldAsync(string userId, DigestKind kind, string proposalId, string customerId, string text, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var at = schedule.NextAfter(now);
        // The due item first: an entry without one would wait for the next entry to be sent.
        await dueItems.AddDueItemAsync(DueItem.ForDigest(userId, at), cancellationToken).ConfigureAwait(false);
        await digests.AddDigestEntryAsync(DigestEntry.Create(userId, now, kind, proposalId, customerId, text), cancellationToken).ConfigureAwait(false);
        return at;
    }
}
