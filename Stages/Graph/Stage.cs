namespace Pipeline.Stages.Graph;

/// <summary>
/// An immutable description of a processing step from <typeparamref name="TIn"/> to <typeparamref name="TOut"/>.
/// Stages are fused (run on their producer's thread) unless marked <see cref="Async"/>, which puts a
/// bounded Dataflow block, and so a queue and a thread of its own, in front of them.
/// </summary>
public sealed class Stage<TIn, TOut>
{
    internal Stage(string name, bool concurrencySafe, Func<RunContext, Inlet<TOut>, Inlet<TIn>> build) =>
        (Name, ConcurrencySafe, Build) = (name, concurrencySafe, build);

    public string Name { get; }

    /// <summary>True when the stage keeps no state between messages, so several workers may run it at once.</summary>
    public bool ConcurrencySafe { get; }

    internal Func<RunContext, Inlet<TOut>, Inlet<TIn>> Build { get; }

    /// <summary>This stage, then <paramref name="next"/>, fused.</summary>
    public Stage<TIn, TNext> Then<TNext>(Stage<TOut, TNext> next) =>
        new($"{Name} > {next.Name}", ConcurrencySafe && next.ConcurrencySafe,
            (context, downstream) => Build(context, next.Build(context, downstream)));

    /// <summary>
    /// An async boundary: this stage gets a bounded input queue (back-pressure at <paramref name="capacity"/>)
    /// and <paramref name="parallelism"/> workers. With one worker, message order is kept; with more it is not.
    /// </summary>
    public Stage<TIn, TOut> Async(int? capacity = null, int parallelism = 1)
    {
        if (parallelism < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "at least one worker");
        if (capacity is < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "at least one message");
        if (parallelism > 1 && !ConcurrencySafe)
            throw new ArgumentException($"stage '{Name}' keeps state between messages, so it cannot run on {parallelism} workers", nameof(parallelism));
        return new(Name, ConcurrencySafe, (context, downstream) =>
        {
            var next = parallelism > 1 ? new SerializedInlet<TOut>(downstream) : downstream;
            var bound = capacity ?? Math.Max(context.Options.DefaultCapacity, 2 * parallelism);
            return new BoundaryInlet<TIn>(Name, Build(context, next), bound, parallelism, context);
        });
    }

    /// <summary>This stage feeding <paramref name="sink"/>: a sink of the stage's input (a branch of a broadcast).</summary>
    public Sink<TIn> To(Sink<TOut> sink) =>
        new($"{Name} > {sink.Name}", context => Build(context, sink.Build(context)));
}

/// <summary>Factories for stages.</summary>
public static class Stage
{
    /// <summary>A stateless one-to-one map; safe to run on several workers.</summary>
    public static Stage<TIn, TOut> Map<TIn, TOut>(string name, Func<TIn, TOut> map) =>
        FromFunction<TIn, TOut>(name, true, (input, emit) => emit(map(input)));

    /// <summary>A stateless map that drops the messages for which <paramref name="choose"/> returns null.</summary>
    public static Stage<TIn, TOut> Choose<TIn, TOut>(string name, Func<TIn, TOut?> choose) where TOut : class =>
        FromFunction<TIn, TOut>(name, true, (input, emit) =>
        {
            if (choose(input) is { } output) emit(output);
        });

    /// <summary>Keeps the messages that satisfy <paramref name="predicate"/>; disposes the others if they own memory.</summary>
    public static Stage<T, T> Where<T>(string name, Func<T, bool> predicate) =>
        FromFunction<T, T>(name, true, (input, emit) =>
        {
            if (predicate(input)) emit(input);
            else Messages.Discard(input);
        });

    /// <summary>Passes every message on and also applies <paramref name="action"/> to every <paramref name="period"/>-th (1-based).</summary>
    public static Stage<T, T> Every<T>(string name, long period, Action<T> action)
    {
        if (period < 1) throw new ArgumentOutOfRangeException(nameof(period), period, "period of at least 1");
        return Of<T, T>(name, () =>
        {
            long seen = 0;
            return new FunctionProcessor<T, T>((input, emit) =>
            {
                if (++seen % period == 0) action(input);
                emit(input);
            });
        });
    }

    /// <summary>A stateful stage: <paramref name="create"/> makes a fresh processor for every run.</summary>
    public static Stage<TIn, TOut> Of<TIn, TOut>(string name, Func<Processor<TIn, TOut>> create) =>
        new(name, false, (context, downstream) =>
            new FusedInlet<TIn, TOut>(name, context.Own(create()), downstream, context));

    static Stage<TIn, TOut> FromFunction<TIn, TOut>(string name, bool concurrencySafe, Action<TIn, Action<TOut>> process) =>
        new(name, concurrencySafe, (context, downstream) =>
            new FusedInlet<TIn, TOut>(name, new FunctionProcessor<TIn, TOut>(process), downstream, context));
}
