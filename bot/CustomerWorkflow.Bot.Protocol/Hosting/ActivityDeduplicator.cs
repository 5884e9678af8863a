using System.Collections.Concurrent;
using CustomerWorkflow.Bot.Protocol.Schema;

namespace CustomerWorkflow.Bot.Protocol.Hosting;

/// <summary>
/// Remembers which activities were already taken, so a redelivery (the same id, on a retry) has no second effect:
/// the duplicate waits for the first turn and answers what it answered.
/// </summary>
public interface IActivityDeduplicator
{
    /// <summary>True when this is the first delivery; otherwise <paramref name="first"/> completes with the first turn's answer.</summary>
    bool TryBegin(string key, out Task<InvokeResponse?> first);

    /// <summary>The turn finished; later deliveries get its answer.</summary>
    void Complete(string key, InvokeResponse? response);

    /// <summary>The turn failed before it had any effect; a redelivery may try again.</summary>
    void Abandon(string key);
}

/// <summary>
/// An in-memory window of recent activity ids (15 minutes by default, at most 100 000 entries). Enough for one
/// instance; several instances add a shared claim in the store for the turns that change state.
/// </summary>
/// <remarks>
/// Ids are forgotten oldest first, from a queue in arrival order: those past the window, and beyond the capacity the
/// oldest finished ones even inside the window (at thousands of turns a second the capacity is the shorter limit; a
/// channel redelivers within seconds). Each turn does a little of that work, never a scan of every entry, and the count
/// is kept by hand: <see cref="ConcurrentDictionary{TKey,TValue}.Count"/> takes every lock of the dictionary.
/// </remarks>
public sealed class MemoryActivityDeduplicator(TimeProvider time, TimeSpan? window = null, int capacity = 100_000) : IActivityDeduplicator
{
    private const int MaxEvictionsPerCall = 8;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, Entry Entry)> _arrivals = new();
    private readonly TimeSpan _window = window ?? TimeSpan.FromMinutes(15);
    private readonly Lock _evicting = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public bool TryBegin(string key, out Task<InvokeResponse?> first)
    {
        var now = time.GetTimestamp();
        Evict(now);
        var entry = new Entry(now);
        var existing = _entries.GetOrAdd(key, entry);
        first = existing.Result.Task;
        if (!ReferenceEquals(existing, entry))
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        _arrivals.Enqueue((key, entry));
        return true;
    }

    public void Complete(string key, InvokeResponse? response)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.Result.TrySetResult(response);
        }
    }

    public void Abandon(string key)
    {
        if (_entries.TryRemove(key, out var entry))
        {
            Interlocked.Decrement(ref _count);
            // Anyone already waiting on the failed turn gets "nothing to answer" rather than hanging.
            entry.Result.TrySetResult(null);
        }
    }

    /// <summary>Forgets a few of the oldest ids: expired ones, or finished ones while over capacity.</summary>
    private void Evict(long now)
    {
        if (!_arrivals.TryPeek(out var oldest)
            || (time.GetElapsedTime(oldest.Entry.Started, now) <= _window && Volatile.Read(ref _count) < capacity)
            || !_evicting.TryEnter())
        {
            return;
        }

        try
        {
            // Only one caller takes from the head at a time, so what was peeked is what is taken.
            for (var i = 0; i < MaxEvictionsPerCall && _arrivals.TryPeek(out oldest); i++)
            {
                if (time.GetElapsedTime(oldest.Entry.Started, now) <= _window && Volatile.Read(ref _count) < capacity)
                {
                    return;
                }

                _arrivals.TryDequeue(out _);
                if (!oldest.Entry.Result.Task.IsCompleted)
                {
                    // A turn still running keeps its id; it goes back in line behind the others.
                    _arrivals.Enqueue(oldest);
                }
                else if (_entries.TryRemove(KeyValuePair.Create(oldest.Key, oldest.Entry)))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            _evicting.Exit();
        }
    }

    private sealed class Entry(long started)
    {
        public long Started { get; } = started;

        public TaskCompletionSource<InvokeResponse?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
