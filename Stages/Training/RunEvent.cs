namespace Pipeline.Stages.Training;

/// <summary>What a training stage emits: plain values that hold no tensors, safe to cross async boundaries.</summary>
public abstract record RunEvent(long Step);

/// <summary>Named scalar metrics of one phase ("train", "eval", ...) at one step, in a stable order.</summary>
public sealed record MetricsEvent(long Step, string Phase, IReadOnlyList<KeyValuePair<string, double>> Values) : RunEvent(Step);

/// <summary>A serialized training state (model, optimizer, random generators) taken at <paramref name="Step"/>.</summary>
public sealed record CheckpointEvent(long Step, byte[] Payload) : RunEvent(Step);

/// <summary>A metric that is NaN or infinite: the run stops before the bad state reaches a checkpoint.</summary>
public sealed class NonFiniteMetricException(string phase, string metric, double value, long step)
    : Exception($"{phase} metric '{metric}' is {value} at step {step}; the run stops so that no checkpoint holds the diverged state (lower the learning rate or check the data)");
