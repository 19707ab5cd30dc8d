using System.Collections;

namespace Pipeline.Algorithms.Core;

/// <summary>Named scalar metrics of one step, in the order the algorithm reports them.</summary>
public sealed class Metrics : IReadOnlyList<KeyValuePair<string, double>>
{
    readonly KeyValuePair<string, double>[] items;

    Metrics(KeyValuePair<string, double>[] items) => this.items = items;

    public static Metrics Of(params (string Name, double Value)[] values) =>
        new(values.Select(v => KeyValuePair.Create(v.Name, v.Value)).ToArray());

    public double this[string name] =>
        items.FirstOrDefault(kv => kv.Key == name) is { Key: not null } found ? found.Value
        : throw new KeyNotFoundException($"no metric '{name}'; there are: {string.Join(", ", items.Select(kv => kv.Key))}");

    public KeyValuePair<string, double> this[int index] => items[index];
    public int Count => items.Length;
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, double>>)items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    public override string ToString() => string.Join(", ", items.Select(kv => $"{kv.Key}={kv.Value:G5}"));
}

/// <summary>The result of one update: the new state (the old one is consumed) and the step's metrics.</summary>
public readonly record struct Step<TState>(TState State, Metrics Metrics)
{
    public static implicit operator (TState, IReadOnlyList<KeyValuePair<string, double>>)(Step<TState> step) =>
        (step.State, step.Metrics);
}
