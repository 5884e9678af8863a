using System.Collections.Concurrent;
using CustomerWorkflow.Core.Engine;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Scheduling;
using CustomerWorkflow.Core.Settings;
using CustomerWorkflow.Core.Tests.Engine;
using CustomerWorkflow.Core.Tests.TestData;

namespace CustomerWorkflow.Core.Tests.Scheduling;

/// <summary>
/// The scheduler's processor over the engine and a real SQLite store, driven by the test's clock: moving the clock past a
/// due time and running one pass is all a test needs, nothing sleeps.
/// </summary>
public abstract class SchedulerTestBase : EngineTestBase
{
    protected static readonly TimeSpan TwoDays = TimeSpan.FromDays(2);

    private DueWorkProcessor? _processor;

    /// <summary>What the processor handed to the chat side.</summary>
    internal RecordingHandler Handler { get; } = new();

    internal DueWorkProcessor Processor => _processor ??= new DueWorkProcessor(Store, Store, Engine, Time) { Owner = "instance-1" };

    /// <summary>A single-approver step (ann or bob unless said) due in two days, with an overdue action.</summary>
    internal static ApprovalStepDefinition Step(string name, OverdueAction onOverdue, string? escalateTo = null, CompletionPolicy? policy = null, params string[] approvers) =>
        new(name, approvers.Length > 0 ? approvers : ["ann", "bob"], policy ?? CompletionPolicy.SingleApprover, TwoDays, onOverdue, escalateTo);

    internal Task GivenStepsAsync(params ApprovalStepDefinition[] steps) => GivenSettingsAsync(A.Settings().WithSteps(steps));

    /// <summary>Moves the clock on and runs one pass of the processor.</summary>
    internal async Task<DueWorkReport> AfterAsync(TimeSpan wait)
    {
        Time.Advance(wait);
        var report = await Processor.RunOnceAsync(Handler);
        Assert.Empty(report.Failures);
        return report;
    }

    internal async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(params HistoryAction[] actions) =>
        [.. (await Engine.GetHistoryAsync("US-001")).Where(h => actions.Length == 0 || actions.Contains(h.Action))];
}

/// <summary>The chat side of the processor as a test sees it: every outcome and digest it was handed, in order.</summary>
internal sealed class RecordingHandler : IDueWorkHandler
{
    private readonly ConcurrentQueue<OverdueOutcome> _outcomes = new();
    private readonly ConcurrentQueue<DailyDigest> _digests = new();

    public IReadOnlyList<OverdueOutcome> Outcomes => [.. _outcomes];

    public IReadOnlyList<DailyDigest> Digests => [.. _digests];

    /// <summary>When set, handing over fails, as an instance that dies mid-item would.</summary>
    public bool Fail { get; set; }

    public Task OverdueAsync(OverdueOutcome outcome, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new InvalidOperationException("The instance stopped.");
        }

        _outcomes.Enqueue(outcome);
        return Task.CompletedTask;
    }

    public Task DigestAsync(DailyDigest digest, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new InvalidOperationException("The instance stopped.");
        }

        _digests.Enqueue(digest);
        return Task.CompletedTask;
    }
}
