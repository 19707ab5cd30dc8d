namespace Pipeline.Stages.Graph;

/// <summary>
/// An immutable, open-ended blueprint: one or more sources and the stages behind them, ending in an
/// output of <typeparamref name="T"/>. Close it with <see cref="To"/> to get a runnable graph.
/// </summary>
public sealed class Flow<T>
{
    internal Flow(string name, Action<RunContext, Inlet<T>> attach) => (Name, Attach) = (name, attach);

    public string Name { get; }

    /// <summary>Materializes the flow in front of <c>downstream</c>; its sources start when the run starts.</summary>
    internal Action<RunContext, Inlet<T>> Attach { get; }

    public Flow<TOut> Via<TOut>(Stage<T, TOut> stage) =>
        new($"{Name} > {stage.Name}", (context, downstream) => Attach(context, stage.Build(context, downstream)));

    /// <summary>Ends the flow in one sink, or broadcasts every message to several.</summary>
    public RunnableGraph To(params Sink<T>[] sinks)
    {
        if (sinks.Length == 0) throw new ArgumentException("a graph needs at least one sink", nameof(sinks));
        var sink = Sink.All(sinks);
        return new RunnableGraph($"{Name} > {sink.Name}", context => Attach(context, sink.Build(context)));
    }
}

/// <summary>Entry points of the blueprint API: <c>Graph.From(source).Via(stage)...To(sinks).Run(...)</c>.</summary>
public static class Graph
{
    public static Flow<T> From<T>(Source<T> source) =>
        new(source.Name, (context, downstream) => context.OnStart(() => Pump(source, downstream, context)));

    /// <summary>Fan-in: messages of all flows, interleaved; completes only when every flow completed.</summary>
    public static Flow<T> Merge<T>(params Flow<T>[] flows)
    {
        if (flows.Length == 0) throw new ArgumentException("merge needs at least one flow", nameof(flows));
        return new($"merge({string.Join(", ", flows.Select(f => f.Name))})", (context, downstream) =>
        {
            var merge = new MergeInlet<T>(new SerializedInlet<T>(downstream), flows.Length);
            foreach (var flow in flows) flow.Attach(context, merge);
        });
    }

    static async Task Pump<T>(Source<T> source, Inlet<T> downstream, RunContext context)
    {
        await Task.Yield(); // every source runs on a pool thread of its own, never on the caller's
        try
        {
            await foreach (var item in source.Open(context.Stopping).ConfigureAwait(false))
            {
                if (context.Stopping.IsCancellationRequested)
                {
                    Messages.Discard(item);
                    break;
                }
                if (!await downstream.SendAsync(item).ConfigureAwait(false)) break;
            }
        }
        catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            context.Fail(source.Name, e);
        }
        await downstream.CompleteAsync().ConfigureAwait(false);
    }
}
