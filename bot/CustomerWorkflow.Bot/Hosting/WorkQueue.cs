using System.Threading.Channels;

namespace CustomerWorkflow.Bot.Hosting;

/// <summary>
/// Jobs a request leaves for a background worker, read one at a time, with a count of what is not done yet:
/// <see cref="WhenIdleAsync"/> lets tests and shutdown wait until everything queued so far is done. The worker calls
/// <see cref="Done"/> once per job, whatever became of it.
/// </summary>
internal class WorkQueue<TJob>
{
    private readonly Channel<TJob> _jobs = Channel.CreateUnbounded<TJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private int _pending;
    private TaskCompletionSource _idle = Idle();

    public ChannelReader<TJob> Reader => _jobs.Reader;

    public void Enqueue(TJob job)
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
