namespace Pipeline.Stages.Graph;

/// <summary>The first failure of a run: which stage, and what it threw.</summary>
public sealed record StageFailure(string Stage, Exception Error);

/// <summary>
/// The shared state of one materialized run: its options, the graceful-stop signal, the first failure
/// (first one wins) and the resources to release when the run ends. Blueprints are immutable; a
/// RunContext is created by every <see cref="RunnableGraph.Run"/>.
/// </summary>
public sealed class RunContext
{
    readonly CancellationTokenSource stopping = new();
    readonly List<Func<Task>> starters = [];
    readonly List<IDisposable> owned = [];
    StageFailure? failure;

    internal RunContext(RunOptions options) => Options = options;

    public RunOptions Options { get; }

    /// <summary>Cancelled when sources must stop producing: on a graceful stop or on a failure.</summary>
    public CancellationToken Stopping => stopping.Token;

    /// <summary>True once any stage failed: stages then discard what they receive, sinks still write and close.</summary>
    public bool Faulted => Volatile.Read(ref failure) is not null;

    public StageFailure? Failure => Volatile.Read(ref failure);

    internal void Fail(string stage, Exception error)
    {
        if (error is StageFailedException inner) (stage, error) = (inner.Stage, inner.InnerException!);
        if (Interlocked.CompareExchange(ref failure, new StageFailure(stage, error), null) is null)
            stopping.Cancel();
    }

    internal void RequestStop()
    {
        try { stopping.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    internal void OnStart(Func<Task> starter) => starters.Add(starter);

    internal T Own<T>(T resource) where T : IDisposable
    {
        lock (owned) owned.Add(resource);
        return resource;
    }

    internal IReadOnlyList<Func<Task>> Starters => starters;

    internal void ReleaseAll()
    {
        lock (owned)
        {
            for (var i = owned.Count - 1; i >= 0; i--)
            {
                try { owned[i].Dispose(); }
                catch (Exception e) { Fail("dispose", e); }
            }
            owned.Clear();
        }
        stopping.Dispose();
    }
}
