using System.Threading.Channels;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>
/// Work that outlasts a request: an import of a file sent in Teams (the channel wants its answer within 15 seconds, and a
/// large file takes longer), and the notices an API import leaves for approvers. One job at a time per instance, so
/// imports never compete with each other for memory. <see cref="WhenIdleAsync"/> lets tests and shutdown wait.
/// </summary>
internal sealed class ImportJobs : Hosting.WorkQueue<Func<CancellationToken, Task>>;

/// <summary>Runs the queued import jobs one after another; a job that fails is logged (each job tells its own user).</summary>
internal sealed partial class ImportWorker(ImportJobs jobs, ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in jobs.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await job(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogJobFailed(logger, exception);
            }
            finally
            {
                jobs.Done();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An import job failed")]
    private static partial void LogJobFailed(ILogger logger, Exception exception);
}
