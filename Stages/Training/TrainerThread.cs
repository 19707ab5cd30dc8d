using System.Runtime.ExceptionServices;

namespace Pipeline.Stages.Training;

/// <summary>
/// A thread of a training stage's own, which runs its work one call at a time while the caller waits, and ends with
/// the stage. With several LibTorch intra-op threads it keeps a run's OpenMP team in one place: LibTorch's OpenMP keeps
/// a team for every thread that ran a parallel operation, for as long as that thread lives, and once the teams hold more
/// threads than there are cores libgomp stops spinning in all of them (training ran 3-7x slower with two intra-op threads
/// on two cores; docs/PERFORMANCE.md). A stage that moved between thread-pool threads left a team on each.
/// </summary>
public sealed class TrainerThread : IDisposable
{
    /// <summary>
    /// What a new trainer thread runs first (the CLI sets the intra-op threads of training there); null: training
    /// stages run on their callers' threads, as with one intra-op thread, where no team exists.
    /// </summary>
    public static Action? Start { get; set; }

    readonly SemaphoreSlim ready = new(0);
    readonly SemaphoreSlim done = new(0);
    readonly Thread thread;
    Action? work;
    ExceptionDispatchInfo? failure;
    bool stopping;

    public TrainerThread(string name, Action start)
    {
        thread = new Thread(() =>
        {
            Execute(start);
            done.Release();
            while (true)
            {
                ready.Wait();
                if (stopping) return;
                Execute(work!);
                done.Release();
            }
        }, maxStackSize: 16 * 1024 * 1024) { IsBackground = true, Name = name };
        thread.Start();
        done.Wait();
        failure?.Throw();
    }

    void Execute(Action action)
    {
        try { action(); }
        catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
    }

    /// <summary>Runs <paramref name="action"/> on the thread and returns when it has; rethrows what it threw.</summary>
    public void Run(Action action)
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        (work, failure) = (action, null);
        ready.Release();
        done.Wait();
        var thrown = failure;
        (work, failure) = (null, null);
        thrown?.Throw();
    }

    /// <summary>Ends the thread (its OpenMP team goes with it).</summary>
    public void Dispose()
    {
        if (stopping) return;
        stopping = true;
        ready.Release();
        thread.Join();
        ready.Dispose();
        done.Dispose();
    }
}
