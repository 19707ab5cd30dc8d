namespace Pipeline.Environments.Control;

/// <summary>Random Disco Maze settings (NGU section 4.1; irm_ngu.md 2.8).</summary>
public sealed record DiscoMazeConfig
{
    /// <summary>Rooms per side n of the perfect maze; the grid has 2n + 1 cells per side (NGU's 21 x 21 is n = 10).</summary>
    public int Rooms { get; init; } = 10;

    /// <summary>
    /// Steps before truncation. The paper states no cap; a depth-first walk of a perfect maze crosses every passage
    /// twice, 2 (2n^2 - 2) = 396 steps for n = 10, so 500 leaves room to visit every cell once the agent explores well.
    /// </summary>
    public int MaxSteps { get; init; } = 500;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad field, its value and its range.</summary>
    public void Check()
    {
        ConfigCheck.InRange(nameof(Rooms), Rooms, 2, 100);
        ConfigCheck.InRange(nameof(MaxSteps), MaxSteps, 1, 1_000_000);
    }
}
