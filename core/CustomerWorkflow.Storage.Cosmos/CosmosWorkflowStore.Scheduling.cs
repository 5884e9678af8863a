using CustomerWorkflow.Core.Scheduling;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>
/// The scheduler's due items and the digest entries (DESIGN.md, "Due items"). Due items live in hourly bucket partitions,
/// so a claim pass reads the buckets from the cursor up to the current hour, each with a single-partition query, and
/// claims an item with an ETag-checked replace: of two instances racing for it one gets 412 and leaves it. A claim is
/// completed by a delete against the ETag the claim wrote, so a claim whose lease ran out and was taken over cannot
/// complete any more.
/// </summary>
public sealed partial class CosmosWorkflowStore : IDueItemStore, IDigestStore
{
    /// <summary>
    /// How far behind the current hour the cursor always stays. Items are written for a due time ahead of the writer's
    /// clock, so a bucket this old gets no new items unless an instance's clock is off by more than this.
    /// </summary>
    private static readonly TimeSpan CursorGrace = TimeSpan.FromHours(1);

    /// <summary>The most buckets one claim pass reads; a cursor further behind catches up over the next passes.</summary>
    private const int MaxBucketsPerPass = 24 * 7;

    /// <summary>A bucket this process saw the cursor at or before; an item at or after it needs no cursor check.</summary>
    private DateTimeOffset? _cursorFloor;

    public async Task AddDueItemAsync(DueItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var hour = Hour(item.DueAt);
        await EnsureCursorAtMostAsync(hour, cancellationToken).ConfigureAwait(false);
        var pk = Keys.DueBucket(hour);
        // Created once: an item that exists keeps its claim (409 is not an error here).
        await Documents.CreateAsync(pk, new DueDoc
        {
            Id = Keys.Id(item.Id), Pk = pk, Kind = item.Kind, Subject = item.Subject, Step = item.Step, DueAt = item.DueAt,
        }, DocJson.Default.DueDoc, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ClaimedDueItem>> ClaimDueItemsAsync(DateTimeOffset now, TimeSpan lease, string owner, int max, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var (cursor, cursorEtag) = await Documents.ReadAsync(Keys.DueCursorPk, "cursor", DocJson.Default.DueCursorDoc, cancellationToken).ConfigureAwait(false);
        if (cursor is null)
        {
            // No item was ever added (adding one makes the cursor first).
            return [];
        }

        var current = Hour(now);
        var leaseUntil = now + lease;
        var claimed = new List<ClaimedDueItem>();
        DateTimeOffset? earliestHeld = null;
        var bucket = cursor.Hour;
        for (var scanned = 0; bucket <= current && scanned < MaxBucketsPerPass && claimed.Count < max; bucket = bucket.AddHours(1), scanned++)
        {
            var documents = await Documents.QueryKindAsync(Keys.DueBucket(bucket), "due", DocJson.Default.DueDoc, cancellationToken).ConfigureAwait(false);
            if (documents.Count > 0)
            {
                earliestHeld ??= bucket;
            }

            foreach (var document in documents.Where(d => d.DueAt <= now && (d.LeaseUntil is null || d.LeaseUntil <= now)).OrderBy(d => d.DueAt).ThenBy(d => d.Id, StringComparer.Ordinal))
            {
                if (claimed.Count >= max)
                {
                    break;
                }

                var etag = document.ETag;
                if (etag is null)
                {
                    continue;
                }

                document.ETag = null;
                document.Owner = owner;
                document.LeaseUntil = leaseUntil;
                var written = await Documents.ReplaceAsync(document.Pk, document.Id, document, DocJson.Default.DueDoc, etag, cancellationToken).ConfigureAwait(false);
                if (written is { Ok: true, ETag: { } claimedEtag })
                {
                    // The claim is the ETag this replace made: whoever takes the item over later changes it.
                    claimed.Add(new ClaimedDueItem(new DueItem(document.Kind, document.Subject, document.Step, document.DueAt), owner, leaseUntil, claimedEtag));
                }
            }
        }

        // Empty buckets behind us are skipped from now on; the cursor never passes a bucket that holds anything, nor the grace.
        var next = Min(earliestHeld ?? bucket, current - CursorGrace);
        if (next > cursor.Hour && cursorEtag is not null)
        {
            // Best effort: another pass moving it too is as good.
            await Documents.ReplaceAsync(Keys.DueCursorPk, "cursor", new DueCursorDoc { Hour = next }, DocJson.Default.DueCursorDoc, cursorEtag, cancellationToken).ConfigureAwait(false);
        }

        return claimed;
    }

    public async Task<bool> CompleteDueItemAsync(ClaimedDueItem claimed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var written = await Documents.DeleteAsync(Keys.DueBucket(Hour(claimed.Item.DueAt)), Keys.Id(claimed.Item.Id), cancellationToken, claimed.ClaimToken).ConfigureAwait(false);
        return written.Ok;
    }

    public async Task AddDigestEntryAsync(DigestEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var pk = Keys.User(entry.UserId);
        await Documents.UpsertAsync(pk, new DigestDoc { Id = Keys.Digest(entry.Id), Pk = pk, Entry = entry }, DocJson.Default.DigestDoc, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DigestEntry>> ListDigestEntriesAsync(string userId, CancellationToken cancellationToken = default)
    {
        var documents = await Documents.QueryKindAsync(Keys.User(userId), "digest", DocJson.Default.DigestDoc, cancellationToken).ConfigureAwait(false);
        return [.. documents.Select(d => d.Entry).OrderBy(e => e.Id, StringComparer.Ordinal)];
    }

    public async Task RemoveDigestEntriesAsync(string userId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var pk = Keys.User(userId);
        await Parallel.ForEachAsync(ids, Options(cancellationToken), async (id, ct) =>
            await Documents.DeleteAsync(pk, Keys.Digest(id), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes sure the cursor is at or before <paramref name="hour"/>, so a claim pass reaches the item about to be written
    /// there: creates it when missing, moves it back when it is past. One read per process in the usual case (the cursor
    /// only ever moves forward over buckets older than the grace, which no new item is written to).
    /// </summary>
    private async Task EnsureCursorAtMostAsync(DateTimeOffset hour, CancellationToken cancellationToken)
    {
        if (_cursorFloor is { } floor && floor <= hour)
        {
            return;
        }

        while (true)
        {
            var (cursor, etag) = await Documents.ReadAsync(Keys.DueCursorPk, "cursor", DocJson.Default.DueCursorDoc, cancellationToken).ConfigureAwait(false);
            if (cursor is not null && cursor.Hour <= hour)
            {
                _cursorFloor = cursor.Hour;
                return;
            }

            var document = new DueCursorDoc { Hour = hour };
            var written = cursor is null
                ? await Documents.CreateAsync(Keys.DueCursorPk, document, DocJson.Default.DueCursorDoc, cancellationToken).ConfigureAwait(false)
                : await Documents.ReplaceAsync(Keys.DueCursorPk, "cursor", document, DocJson.Default.DueCursorDoc, etag!, cancellationToken).ConfigureAwait(false);
            if (written.Ok)
            {
                _cursorFloor = hour;
                return;
            }

            // Someone else created or moved it meanwhile: look again.
        }
    }

    private static DateTimeOffset Hour(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

}
