using System.Collections.Concurrent;
using CustomerWorkflow.Core.Storage;

namespace CustomerWorkflow.Storage.Cosmos;

/// <summary>
/// Writes to several customers at once, all or nothing, without cross-partition transactions:
/// <list type="number">
/// <item>each unit gets, under its ETag, the state it will take as a pending write of transaction T (readers still see
/// the committed state);</item>
/// <item>T's decision document is created: this single create is the commit point;</item>
/// <item>each unit's pending state becomes its committed state.</item>
/// </list>
/// A writer that finds a pending write of an undecided T aborts T by creating its decision first (as aborted), so a
/// crashed importer never blocks anyone; a decided T is finished by whoever meets it. Single-customer writes, every
/// clerk's and approver's action, never take this path.
/// </summary>
public sealed partial class CosmosWorkflowStore
{
    private async Task CommitManyAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var units = new ConcurrentDictionary<string, LoadedUnit>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(writes, Options(cancellationToken), async (write, ct) =>
            units[write.CustomerId] = await ExpectedUnitAsync(write, ct).ConfigureAwait(false)).ConfigureAwait(false);

        var nexts = new ConcurrentDictionary<string, UnitState>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(writes, Options(cancellationToken), async (write, ct) =>
        {
            var current = units[write.CustomerId].State;
            var next = await NextStateAsync(current, write, ct).ConfigureAwait(false);
            await BeforeWriteAsync(current, next, write.Proposal, ct).ConfigureAwait(false);
            nexts[write.CustomerId] = next;
        }).ConfigureAwait(false);

        // 1. Pending states, each under the ETag its unit was read at.
        var tx = Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow;
        var marked = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var lost = false;
        await Parallel.ForEachAsync(writes, Options(cancellationToken), async (write, ct) =>
        {
            var pk = Keys.Customer(write.CustomerId);
            var unit = units[write.CustomerId];
            var document = new UnitDoc { Pk = pk, Committed = unit.State, Pending = new PendingUnit { Tx = tx, At = at, State = nexts[write.CustomerId] } };
            var written = unit.ETag is null
                ? await Documents.CreateAsync(pk, document, DocJson.Default.UnitDoc, ct).ConfigureAwait(false)
                : await Documents.ReplaceAsync(pk, Keys.UnitId, document, DocJson.Default.UnitDoc, unit.ETag, ct).ConfigureAwait(false);
            if (written.Ok)
            {
                marked[write.CustomerId] = written.ETag!;
            }
            else
            {
                lost = true;
            }
        }).ConfigureAwait(false);

        // 2. The decision. Losing the create means another writer aborted this transaction first.
        var committed = !lost && (await Documents.CreateAsync(Keys.Tx(tx), new TxDoc { Pk = Keys.Tx(tx), Committed = true, At = at }, DocJson.Default.TxDoc, cancellationToken).ConfigureAwait(false)).Ok;
        if (!committed)
        {
            await Documents.CreateAsync(Keys.Tx(tx), new TxDoc { Pk = Keys.Tx(tx), Committed = false, At = at }, DocJson.Default.TxDoc, cancellationToken).ConfigureAwait(false);
        }

        // 3. Settle every unit marked here: forward when committed, back when not (best effort: whoever meets a marker settles it too).
        await Parallel.ForEachAsync(marked, Options(cancellationToken), async (entry, ct) =>
        {
            var pk = Keys.Customer(entry.Key);
            var settled = committed ? nexts[entry.Key] : units[entry.Key].State;
            var written = settled is null
                ? await Documents.DeleteAsync(pk, Keys.UnitId, ct, entry.Value).ConfigureAwait(false)
                : await Documents.ReplaceAsync(pk, Keys.UnitId, new UnitDoc { Pk = pk, Committed = settled }, DocJson.Default.UnitDoc, entry.Value, ct).ConfigureAwait(false);
            if (written.Ok && settled is not null)
            {
                Remember(entry.Key, new LoadedUnit(settled, written.ETag, false));
            }
            else
            {
                _units.TryRemove(entry.Key, out _);
            }
        }).ConfigureAwait(false);

        if (!committed)
        {
            foreach (var write in writes.Where(w => !marked.ContainsKey(w.CustomerId)))
            {
                _units.TryRemove(write.CustomerId, out _);
            }

            throw new ConcurrencyException($"One of the customers {string.Join(", ", writes.Select(w => w.CustomerId).Take(5))}{(writes.Count > 5 ? ", …" : "")} was changed by someone else.");
        }

        await Parallel.ForEachAsync(writes, Options(cancellationToken), async (write, ct) =>
            await AfterWriteAsync(units[write.CustomerId].State, nexts[write.CustomerId], write.Proposal, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Transaction <paramref name="tx"/>'s decision: true committed, false aborted, null undecided. With
    /// <paramref name="abortIfOpen"/> an undecided transaction is aborted (its decision created first, as aborted).
    /// </summary>
    private async Task<bool?> DecideAsync(string tx, bool abortIfOpen, CancellationToken cancellationToken)
    {
        var pk = Keys.Tx(tx);
        var (decision, _) = await Documents.ReadAsync(pk, "tx", DocJson.Default.TxDoc, cancellationToken).ConfigureAwait(false);
        if (decision is not null || !abortIfOpen)
        {
            return decision?.Committed;
        }

        if ((await Documents.CreateAsync(pk, new TxDoc { Pk = pk, Committed = false, At = DateTimeOffset.UtcNow }, DocJson.Default.TxDoc, cancellationToken).ConfigureAwait(false)).Ok)
        {
            return false;
        }

        (decision, _) = await Documents.ReadAsync(pk, "tx", DocJson.Default.TxDoc, cancellationToken).ConfigureAwait(false);
        return decision?.Committed ?? false;
    }
}
