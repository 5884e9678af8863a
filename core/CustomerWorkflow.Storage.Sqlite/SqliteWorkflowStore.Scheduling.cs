using System.Globalization;
using CustomerWorkflow.Core.Scheduling;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// The scheduler's due items and the digest entries, in the same file as the customers. A due item of an overdue step is
/// inserted in the transaction that starts the step (<see cref="WriteRecord"/>). Claiming is one UPDATE under SQLite's
/// write lock, which every process on the file shares, so two instances never claim the same item; the lease in the row
/// lets another instance take over the items of one that died.
/// </summary>
public sealed partial class SqliteWorkflowStore : IDueItemStore, IDigestStore
{
    public Task AddDueItemAsync(DueItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return InWriteTransaction(c => InsertDueItem(c, item), cancellationToken);
    }

    public async Task<IReadOnlyList<ClaimedDueItem>> ClaimDueItemsAsync(DateTimeOffset now, TimeSpan lease, string owner, int max, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var leaseUntil = now + lease;
        var claim = Guid.NewGuid().ToString("N");
        var claimed = new List<ClaimedDueItem>();
        await InWriteTransaction(c =>
        {
            // Compare-and-set in one statement: the rows are chosen and taken under the write lock, so a row another
            // instance holds (and has not let lapse) is never chosen, and one chosen here is held by nobody else.
            var command = c.Command("""
                UPDATE due_items SET owner = $owner, lease_until = $lease, token = $claim || ':' || id
                WHERE id IN (
                    SELECT id FROM due_items
                    WHERE due_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
                    ORDER BY due_at, id LIMIT $max)
                RETURNING id, kind, subject, step, due_at, token
                """);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$lease", leaseUntil.UtcTicks);
            command.Parameters.AddWithValue("$claim", claim);
            command.Parameters.AddWithValue("$now", now.UtcTicks);
            command.Parameters.AddWithValue("$max", max);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var item = new DueItem(Enum.Parse<DueItemKind>(reader.GetString(1)), reader.GetString(2), reader.GetInt32(3), new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero));
                claimed.Add(new ClaimedDueItem(item, owner, leaseUntil, reader.GetString(5)));
            }
        }, cancellationToken).ConfigureAwait(false);
        return [.. claimed.OrderBy(c => c.Item.DueAt).ThenBy(c => c.Item.Id, StringComparer.Ordinal)];
    }

    public async Task<bool> CompleteDueItemAsync(ClaimedDueItem claimed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var removed = false;
        await InWriteTransaction(c =>
        {
            var command = c.Command("DELETE FROM due_items WHERE id = $id AND token = $token");
            command.Parameters.AddWithValue("$id", claimed.Item.Id);
            command.Parameters.AddWithValue("$token", claimed.ClaimToken);
            removed = command.ExecuteNonQuery() == 1;
        }, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    public Task AddDigestEntryAsync(DigestEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return InWriteTransaction(c =>
        {
            var command = c.Command("""
                INSERT INTO digest_entries (user_id, id, at, kind, proposal_id, customer_id, text) VALUES ($user, $id, $at, $kind, $proposal, $customer, $text)
                ON CONFLICT (user_id, id) DO NOTHING
                """);
            command.Parameters.AddWithValue("$user", entry.UserId);
            command.Parameters.AddWithValue("$id", entry.Id);
            command.Parameters.AddWithValue("$at", Timestamp(entry.At));
            command.Parameters.AddWithValue("$kind", entry.Kind.ToString());
            command.Parameters.AddWithValue("$proposal", entry.ProposalId);
            command.Parameters.AddWithValue("$customer", entry.CustomerId);
            command.Parameters.AddWithValue("$text", entry.Text);
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DigestEntry>> ListDigestEntriesAsync(string userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DigestEntry>>(_pool.Read(c =>
        {
            var command = c.Command("SELECT user_id, id, at, kind, proposal_id, customer_id, text FROM digest_entries WHERE user_id = $user ORDER BY id");
            command.Parameters.AddWithValue("$user", userId);
            var entries = new List<DigestEntry>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                entries.Add(new DigestEntry(reader.GetString(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                    Enum.Parse<DigestKind>(reader.GetString(3)), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
            }

            return entries;
        }));

    public Task RemoveDigestEntriesAsync(string userId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Count == 0 ? Task.CompletedTask : InWriteTransaction(c =>
        {
            var command = c.Command("DELETE FROM digest_entries WHERE user_id = $user AND id IN (SELECT value FROM json_each($ids))");
            command.Parameters.AddWithValue("$user", userId);
            command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(ids));
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <summary>Inserts a due item unless it exists: an existing one keeps its claim. An index probe when it does.</summary>
    private static void InsertDueItem(PooledConnection c, DueItem item)
    {
        var command = c.Command("""
            INSERT INTO due_items (id, kind, subject, step, due_at) VALUES ($id, $kind, $subject, $step, $due)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.AddWithValue("$id", item.Id);
        command.Parameters.AddWithValue("$kind", item.Kind.ToString());
        command.Parameters.AddWithValue("$subject", item.Subject);
        command.Parameters.AddWithValue("$step", item.Step);
        command.Parameters.AddWithValue("$due", item.DueAt.UtcTicks);
        command.ExecuteNonQuery();
    }
}
