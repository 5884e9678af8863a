using CustomerWorkflow.Bot.Protocol.Hosting;
using CustomerWorkflow.Bot.Protocol.Schema;

namespace CustomerWorkflow.Bot.Protocol.Tests.Hosting;

public sealed class MemoryActivityDeduplicatorTests
{
    /// <summary>A clock whose timestamps move by hand (in seconds).</summary>
    private sealed class Ticks : TimeProvider
    {
        public long Now { get; set; } = 1_000;

        public override long TimestampFrequency => 1;

        public override long GetTimestamp() => Now;
    }

    [Fact]
    public async Task Redelivery_GetsTheFirstTurnsAnswer()
    {
        var dedup = new MemoryActivityDeduplicator(new Ticks());
        Assert.True(dedup.TryBegin("a", out _));
        Assert.False(dedup.TryBegin("a", out var first));

        var answer = new InvokeResponse(200, null);
        dedup.Complete("a", answer);

        Assert.Same(answer, await first);
    }

    [Fact]
    public void AbandonedTurn_MayBeTriedAgain()
    {
        var dedup = new MemoryActivityDeduplicator(new Ticks());
        Assert.True(dedup.TryBegin("a", out _));
        dedup.Abandon("a");

        Assert.Equal(0, dedup.Count);
        Assert.True(dedup.TryBegin("a", out _));
    }

    [Fact]
    public void IdsPastTheWindow_AreForgotten()
    {
        var clock = new Ticks();
        var dedup = new MemoryActivityDeduplicator(clock, TimeSpan.FromSeconds(60));
        for (var i = 0; i < 5; i++)
        {
            Assert.True(dedup.TryBegin($"old-{i}", out _));
            dedup.Complete($"old-{i}", null);
        }

        clock.Now += 30;
        Assert.True(dedup.TryBegin("recent", out _));
        dedup.Complete("recent", null);
        Assert.False(dedup.TryBegin("old-0", out _));

        clock.Now += 31;
        Assert.True(dedup.TryBegin("new", out _));

        Assert.Equal(2, dedup.Count);
        Assert.True(dedup.TryBegin("old-0", out _));
        Assert.False(dedup.TryBegin("recent", out _));
    }

    [Fact]
    public void OverCapacity_TheOldestFinishedIdsGo_AndRunningTurnsStay()
    {
        var dedup = new MemoryActivityDeduplicator(new Ticks(), capacity: 4);
        Assert.True(dedup.TryBegin("running", out _));
        for (var i = 0; i < 20; i++)
        {
            Assert.True(dedup.TryBegin($"done-{i}", out _));
            dedup.Complete($"done-{i}", null);
        }

        Assert.InRange(dedup.Count, 1, 5);
        Assert.False(dedup.TryBegin("running", out _));
        Assert.False(dedup.TryBegin("done-19", out _));
        Assert.True(dedup.TryBegin("done-0", out _));
    }

    [Fact]
    public void Only_one_of_many_concurrent_deliveries_begins()
    {
        var dedupe = new MemoryActivityDeduplicator(new Ticks());
        var begun = 0;
        Parallel.For(0, 64, i =>
        {
            if (dedupe.TryBegin("same", out _))
            {
                Interlocked.Increment(ref begun);
            }
        });

        Assert.Equal(1, begun);
        Assert.Equal(1, dedupe.Count);
    }
}
