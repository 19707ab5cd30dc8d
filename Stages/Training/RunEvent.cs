namespace Pipeline.Stages.Training;

/// <summary>What a training stage emits: plain values that hold no tensors, safe to cross async boundaries.</summary>
public abstract record RunEvent(long Step);

/// <summary>Named scalar metrics of one phase ("train", "eval", ...) at one step, in a stable order.</summary>
public sealed record MetricsEvent(long Step, string Phase, IReadOnlyList<KeyValuePair<string, double>> Values) : RunEvent(Step);

/// <summary>A serialized training state (model, optimizer, random generators) taken at <paramref name="Step"/>.</summary>
public sealed record CheckpointEvent(long Step, byte[] Payload) : RunEvent(Step);

/// <summary>A metric that is NaN or infinite: the run stops before the bad state reaches a checkpoint.</summary>
/// <param name="lastFinite">the same phase's metrics at its last finite step, for the diagnostic (null if none).</param>
public sealed class NonFiniteMetricException(string phase, string metric, double value, long step, MetricsEvent? lastFinite)
    : Exception($"{phase} metric '{metric}' is {value} at step {step}; " +
                (lastFinite is null ? "no earlier finite values" : $"last finite values (step {lastFinite.Step}): {string.Join(", ", lastFinite.Values.Select(v => $"{v.Key}={v.Value:G6}"))}") +
                ". The run stops so that no checkpoint holds the diverged state (lower the learning rate or check the data)")
{
    public string Metric { get; } = metric;
    public long Step { get; } = step;
}
