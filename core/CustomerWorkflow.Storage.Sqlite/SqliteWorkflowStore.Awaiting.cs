using System.Collections.Concurrent;
using System.Text.Json;
using CustomerWorkflow.Core.Proposals;
using Microsoft.Data.Sqlite;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// The <c>awaiting</c> list: who has a proposal waiting for their decision, for the inbox. An entry is added in the
/// write that makes someone due, so nobody's inbox ever misses a proposal. A write that makes someone no longer due
/// (they decided, the step moved on, the proposal closed or was recalled) leaves the entry, because deleting it would
/// write one more page in that commit: every reader checks an entry against the customer row's due approvers, so a
/// left entry is never shown. Left entries are deleted later in batches of their own (<see cref="LeftBatch"/> at a
/// time, a few pages for hundreds of entries; those of a closed proposal outright, the others only if still not due),
/// and all at once when the store starts (for those a stopped process knew of but had not deleted yet).
/// </summary>
public sealed partial class SqliteWorkflowStore
{
    /// <summary>How many left entries are collected before a write deletes them, in a transaction of its own.</summary>
    internal const int LeftBatch = 256;

    // An entry whose user is due for its proposal: anything else is left over, for readers to skip and the sweep to delete.
    private const string IsDue = """
        EXISTS (SELECT 1 FROM customers c, json_each(c.open_due) j
                WHERE c.id = awaiting.customer_id AND c.open_proposal_id = awaiting.proposal_id AND j.value = awaiting.user_id COLLATE NOCASE)
        """;

    // Left entries, noted by the writer's transaction and queued once it commits (so a rolled-back write queues none).
    // Closed says the proposal closed: its entries can never be due again, so they are deleted without a check.
    private readonly List<LeftEntry> _leftInTransaction = [];
    private readonly ConcurrentQueue<LeftEntry> _left = new();

    /// <summary>
    /// Adds the awaiting entries a write of this proposal needs, and notes the ones it leaves. <paramref name="due"/> is
    /// the stored due list after the write (null when nobody is due or the proposal closed); the due list it was read
    /// with, when known, says who is new and who is no longer due. Unknown, every due user is inserted (an entry that
    /// exists is left alone, writing no page) and the left ones are found by the start-up sweep.
    /// </summary>
    private void UpdateAwaiting(PooledConnection c, string customerId, Proposal proposal, string? due, AsRead? asRead)
    {
        if (asRead is not null && string.Equals(asRead.Due, due, StringComparison.Ordinal))
        {
            return;
        }

        var before = asRead?.Due is { } readDue ? Users(readDue) : [];
        var after = due is null ? [] : Users(due);
        if (due is not null && (asRead is null || !after.IsSubsetOf(before)))
        {
            c.Raw("""
                INSERT OR IGNORE INTO awaiting (user_id, proposal_id, customer_id) SELECT value, $id, $customer FROM json_each($due)
                """)
                .Bind("$id", proposal.Id)
                .Bind("$customer", customerId)
                .Bind("$due", due)
                .Execute();
        }

        foreach (var user in before)
        {
            if (!after.Contains(user))
            {
                _leftInTransaction.Add(new LeftEntry(user, proposal.Id, Closed: !proposal.IsOpen));
            }
        }
    }

    /// <summary>After a commit on the writer: queues what it left, and deletes the left entries once a batch has gathered.</summary>
    private void DeleteLeftEntriesWhenDue(PooledConnection c)
    {
        foreach (var entry in _leftInTransaction)
        {
            _left.Enqueue(entry);
        }

        _leftInTransaction.Clear();
        if (_left.Count >= LeftBatch)
        {
            DeleteLeftEntries(c);
        }
    }

    /// <summary>Deletes the noted left entries that are still not due, in one transaction; returns how many went.</summary>
    private int DeleteLeftEntries(PooledConnection c)
    {
        var batch = new List<LeftEntry>(_left.Count);
        while (batch.Count < 4 * LeftBatch && _left.TryDequeue(out var entry))
        {
            batch.Add(entry);
        }

        if (batch.Count == 0)
        {
            return 0;
        }

        try
        {
            // One statement per user, for the proposals of theirs in the batch: the list's key is (user, proposal), so
            // each is a seek. (A statement matching the batch's pairs as row values scans the whole list instead.)
            return c.InTransaction(c =>
            {
                var deleted = 0;
                foreach (var group in batch.GroupBy(e => (User: e.User.ToUpperInvariant(), e.Closed)))
                {
                    // An entry of a closed proposal can never be due again; any other is checked against its row.
                    var delete = c.Command(group.Key.Closed
                        ? "DELETE FROM awaiting WHERE user_id = $user AND proposal_id IN (SELECT value FROM json_each($proposals))"
                        : $"DELETE FROM awaiting WHERE user_id = $user AND proposal_id IN (SELECT value FROM json_each($proposals)) AND NOT {IsDue}");
                    delete.Parameters.AddWithValue("$user", group.First().User);
                    delete.Parameters.AddWithValue("$proposals", JsonSerializer.Serialize(group.Select(e => e.Proposal), StoredIds.Default.IEnumerableString));
                    deleted += delete.ExecuteNonQuery();
                }

                return deleted;
            });
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteBusy or SqliteLocked)
        {
            // Another process holds the write lock: the entries stay invisible to readers; try again with the next batch.
            foreach (var entry in batch)
            {
                _left.Enqueue(entry);
            }

            return 0;
        }
    }

    /// <summary>Deletes every left entry (a full pass over the list), as at start-up.</summary>
    private static int DeleteAllLeftEntries(PooledConnection c) =>
        c.Command($"DELETE FROM awaiting WHERE NOT {IsDue}").ExecuteNonQuery();

    /// <summary>For tests: deletes the left entries now, the noted ones or (<paramref name="all"/>) every one.</summary>
    internal Task<int> DeleteLeftAwaitingAsync(bool all) =>
        _pool.WriteAsync(c =>
        {
            if (!all)
            {
                return DeleteLeftEntries(c);
            }

            return c.InTransaction(DeleteAllLeftEntries);
        }, CancellationToken.None);

    private static HashSet<string> Users(string json)
    {
        var users = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                users.Add(reader.GetString()!);
            }
        }

        return users;
    }

    [System.Text.Json.Serialization.JsonSerializable(typeof(IEnumerable<string>))]
    private sealed partial class StoredIds : System.Text.Json.Serialization.JsonSerializerContext;

    private sealed record LeftEntry(string User, string Proposal, bool Closed);

    /// <summary>What a proposal read from this store was stored with: whom it is listed for, and its due list.</summary>
    private sealed record AsRead(string CreatedBy, string? SubmittedBy, string? Due);
}
