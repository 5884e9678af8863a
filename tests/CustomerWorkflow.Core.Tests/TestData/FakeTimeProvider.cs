namespace CustomerWorkflow.Core.Tests.TestData;

/// <summary>A clock the test sets. Microsoft.Extensions.TimeProvider.Testing does not restore here.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    public FakeTimeProvider() : this(TestClock.Start)
    {
    }

    public DateTimeOffset UtcNow { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => UtcNow;

    public void Advance(TimeSpan by) => UtcNow += by;
}

internal static class TestClock
{
    public static DateTimeOffset Start { get; } = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
}
