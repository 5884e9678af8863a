using CustomerWorkflow.Core.Scheduling;

namespace CustomerWorkflow.Bot.Scheduling;

/// <summary>
/// Runs the scheduler's processor every <c>Scheduler:IntervalSeconds</c> on the host's clock, until nothing is due. Each
/// instance runs its own; the claims in the store make them share the work without doing any of it twice. A pass that
/// fails is logged and the next one tries again; items whose work failed come back once their lease runs out.
/// </summary>
internal sealed partial class SchedulerService(DueWorkProcessor processor, ScheduledDelivery delivery, SchedulerOptions options, TimeProvider time, ILogger<SchedulerService> logger) : BackgroundService
{
    /// <summary>One pass over everything due now (tests call it instead of waiting for the timer).</summary>
    public async Task<DueWorkReport> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var report = await processor.RunUntilIdleAsync(delivery, cancellationToken).ConfigureAwait(false);
        foreach (var failure in report.Failures)
        {
            LogItemFailed(logger, failure.Exception, failure.Item.Kind, failure.Item.Subject);
        }

        if (report.Claimed > 0)
        {
            LogPass(logger, report.Claimed, report.Acted, report.Completed);
        }

        return report;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        // The first pass waits one interval, so the store is initialized (another hosted service) before it runs.
        using var timer = new PeriodicTimer(options.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The scheduler is off (Scheduler:Enabled=false): no reminders, escalations, automatic decisions or digests from this instance")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler pass: {Claimed} due items claimed, {Acted} acted on, {Completed} completed")]
    private static partial void LogPass(ILogger logger, int claimed, int acted, int completed);

    [LoggerMessage(Level = LogLevel.Error, Message = "A scheduler pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Due item {Kind} {Subject} failed; it is tried again once its lease runs out")]
    private static partial void LogItemFailed(ILogger logger, Exception exception, DueItemKind kind, string subject);
}
