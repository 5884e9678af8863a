using System.Threading.Channels;

namespace CustomerWorkflow.Bot.Imports;

/// <summary>
/// Work that outlasts a request: an import of a file sent in Teams (the channel wants its answer within 15 seconds, and a
/// large file takes longer), and the notices an API import leaves for approvers. One job at a time per instance, so
/// imports never compete with each other for memory. <see cref="WhenIdleAsync"/> lets tests and shutdown wait.
/// </summary>
internal sealed class ImportJobs
{
    private readonly Channel<Func<CancellationToken, Task>> _jobs = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private int _pending;
    private TaskCompletionSource _idle = Idle();

    public ChannelReader<Func<CancellationToken, Task>> Reader => _jobs.Reader;

    public void Enqueue(Func<CancellationToken, Task> job)
    {
        lock (_gate)
        {
            if (_pending++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        _jobs.Writer.TryWrite(job);
    }

    public void Done()
    {
        lock (_gate)
        {
            if (--_pending == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>Completes when every job queued so far is done.</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            return _idle.Task;
        }
    }

    private static TaskCompletionSource Idle()
    {
        var idle = new TaskCompletionSource();
        idle.SetResult();
        return idle;
    }
}

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
