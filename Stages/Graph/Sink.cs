namespace Pipeline.Stages.Graph;

/// <summary>Where a sink's messages end up. Called from one thread at a time.</summary>
public interface ISinkWriter<in T> : IDisposable
{
    void Write(T item);

    /// <summary>Flushes and closes; called once when the run ends, also after a failure elsewhere.</summary>
    void Close();
}

/// <summary>An immutable description of a terminal stage; every run creates a fresh writer.</summary>
public sealed class Sink<T>
{
    internal Sink(string name, Func<RunContext, Inlet<T>> build) => (Name, Build) = (name, build);

    public string Name { get; }

    internal Func<RunContext, Inlet<T>> Build { get; }
}

/// <summary>Factories for sinks.</summary>
public static class Sink
{
    /// <param name="capacity">the sink's queue bound (back-pressure); the run's default when null.</param>
    public static Sink<T> Of<T>(string name, Func<ISinkWriter<T>> create, int? capacity = null) =>
        new(name, context => new SinkInlet<T>(name, context.Own(create()), capacity ?? context.Options.DefaultCapacity, context));

    public static Sink<T> ForEach<T>(string name, Action<T> write, Action? close = null, int? capacity = null) =>
        Of(name, () => new ActionWriter<T>(write, close), capacity);

    /// <summary>Every message to every sink; each message is accepted once all of them accepted it.</summary>
    public static Sink<T> All<T>(params Sink<T>[] sinks) =>
        sinks.Length == 1 ? sinks[0]
        : new(string.Join(" + ", sinks.Select(s => s.Name)),
              context => new BroadcastInlet<T>(sinks.Select(s => s.Build(context)).ToList()));

    /// <summary>A sink of <typeparamref name="TIn"/> that hands <paramref name="sink"/> what <paramref name="select"/> picks (null: skipped).</summary>
    public static Sink<TIn> Select<TIn, T>(this Sink<T> sink, Func<TIn, T?> select) where T : class =>
        Stage.Choose($"select for {sink.Name}", select).To(sink);

    /// <summary>Takes everything and keeps nothing (disposing what owns memory).</summary>
    public static Sink<T> Ignore<T>() => ForEach<T>("ignore", Messages.Discard);

    sealed class ActionWriter<T>(Action<T> write, Action? close) : ISinkWriter<T>
    {
        public void Write(T item) => write(item);
        public void Close() => close?.Invoke();
        public void Dispose() { }
    }
}
