using System.Collections.Concurrent;

namespace CustomerWorkflow.Bot.Graph;

/// <summary>
/// Answers of Graph kept for a short while, "not found" included, measured with the host's clock. Bounded: past
/// <see cref="Capacity"/> entries the expired ones go, and if that is not enough, all of them.
/// </summary>
internal sealed class GraphCache(TimeProvider time)
{
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(object? Value, DateTimeOffset ExpiresAt);

    public bool TryGet<T>(string key, out T? value)
    {
        if (_entries.TryGetValue(key, out var entry) && time.GetUtcNow() < entry.ExpiresAt && entry.Value is T or null)
        {
            value = (T?)entry.Value;
            return true;
        }

        value = default;
        return false;
    }

    public void Set<T>(string key, T? value, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= Capacity)
        {
            var now = time.GetUtcNow();
            foreach (var (stale, _) in _entries.Where(e => e.Value.ExpiresAt <= now))
            {
                _entries.TryRemove(stale, out _);
            }

            if (_entries.Count >= Capacity)
            {
                _entries.Clear();
            }
        }

        _entries[key] = new Entry(value, time.GetUtcNow() + duration);
    }
}
