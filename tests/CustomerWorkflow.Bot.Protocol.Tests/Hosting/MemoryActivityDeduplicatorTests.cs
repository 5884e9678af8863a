using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Bot.Protocol.Schema;
using CustomerWorkflow.Testing;

namespace CustomerWorkflow.Bot.Protocol.Tests.Hosting;

/// <summary>Redeliveries get the first turn's answer; a failed turn can be retried; old entries are forgotten.</summary>
public sealed class MemoryActivityDeduplicatorTests
{
    private readonly ManualTime _time = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_redelivery_waits_for_and_gets_the_first_answer()
    {
        var dedupe = new MemoryActivityDeduplicator(_time);
        Assert.True(dedupe.TryBegin("a", out _));

        Assert.False(dedupe.TryBegin("a", out var second));
        Assert.False(second.IsCompleted);
        var answer = new InvokeResponse(200, "body");
        dedupe.Complete("a", answer);

        Assert.Same(answer, await second);
        Assert.False(dedupe.TryBegin("a", out var third));
        Assert.Same(answer, await third);
    }

    [Fact]
    public async Task An_abandoned_turn_releases_waiters_and_may_run_again()
    {
        var dedupe = new MemoryActivityDeduplicator(_time);
        dedupe.TryBegin("a", out _);
        dedupe.TryBegin("a", out var waiting);

        dedupe.Abandon("a");

        Assert.Null(await waiting);
        Assert.True(dedupe.TryBegin("a", out _));
    }

    [Fact]
    public void Only_one_of_many_concurrent_deliveries_begins()
    {
        var dedupe = new MemoryActivityDeduplicator(_time);
        var begun = 0;
        Parallel.For(0, 64, i =>
        {
            if (dedupe.TryBegin("same", out _))
            {
                Interlocked.Increment(ref begun);
            }
        });

        Assert.Equal(1, begun);
    }

    [Fact]
    public void Completed_entries_older_than_the_window_are_forgotten()
    {
        var dedupe = new MemoryActivityDeduplicator(_time, TimeSpan.FromMinutes(15));
        dedupe.TryBegin("old", out _);
        dedupe.Complete("old", null);
        dedupe.TryBegin("running", out _);

        _time.Advance(TimeSpan.FromMinutes(16));
        dedupe.TryBegin("new", out _);

        Assert.Equal(2, dedupe.Count);
        Assert.True(dedupe.TryBegin("old", out _));
        Assert.False(dedupe.TryBegin("running", out _));
    }
}
