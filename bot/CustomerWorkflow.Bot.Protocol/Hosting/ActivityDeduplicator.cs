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
public sealed class MemoryActivityDeduplicator(TimeProvider time, TimeSpan? window = null, int capacity = 100_000) : IActivityDeduplicator
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _window = window ?? TimeSpan.FromMinutes(15);
    private long _nextSweep;

    public int Count => _entries.Count;

    public bool TryBegin(string key, out Task<InvokeResponse?> first)
    {
        var now = time.GetUtcNow().UtcTicks;
        SweepIfDue(now);
        var entry = new Entry(now);
        var existing = _entries.GetOrAdd(key, entry);
        first = existing.Result.Task;
        return ReferenceEquals(existing, entry);
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
            // Anyone already waiting on the failed turn gets "nothing to answer" rather than hanging.
            entry.Result.TrySetResult(null);
        }
    }

    private void SweepIfDue(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if ((now < next && _entries.Count < capacity) || Interlocked.CompareExchange(ref _nextSweep, now + TimeSpan.TicksPerSecond * 10, next) != next)
        {
            return;
        }

        foreach (var (key, entry) in _entries)
        {
            if (now - entry.Started > _window.Ticks && entry.Result.Task.IsCompleted)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private sealed class Entry(long started)
    {
        public long Started { get; } = started;

        public TaskCompletionSource<InvokeResponse?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
