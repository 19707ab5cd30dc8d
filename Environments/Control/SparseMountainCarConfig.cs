namespace Pipeline.Environments.Control;

/// <summary>Sparse-reward Mountain Car settings.</summary>
public sealed record SparseMountainCarConfig
{
    /// <summary>Steps before truncation (1000, twice gym's 200, leaves undirected exploration some chance).</summary>
    public int MaxSteps { get; init; } = 1000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad field, its value and its range.</summary>
    public void Check() => ConfigCheck.InRange(nameof(MaxSteps), MaxSteps, 1, 1_000_000);
}
