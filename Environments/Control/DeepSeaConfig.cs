namespace Pipeline.Environments.Control;

/// <summary>bsuite's deterministic Deep Sea (Osband et al. 2019, bsuite/environments/deep_sea.py).</summary>
public sealed record DeepSeaConfig
{
    /// <summary>N: the grid is N x N and every episode lasts N steps.</summary>
    public int Size { get; init; } = 10;

    /// <summary>The cost of N "right" moves (each costs MoveCost / N); bsuite's unscaled_move_cost.</summary>
    public double MoveCost { get; init; } = 0.01;

    /// <summary>Draws the per-cell action mapping, shared by every copy and episode; bsuite's mapping_seed (its sweep uses 42).</summary>
    public int MappingSeed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad field, its value and its range.</summary>
    public void Check()
    {
        ConfigCheck.InRange(nameof(Size), Size, 2, 1000);
        ConfigCheck.InRange(nameof(MoveCost), MoveCost, 0, 1);
    }

    /// <summary>bsuite's optimal return: the reward 1 minus N moves costing MoveCost / N each, so 1 - MoveCost (0.99).</summary>
    public double OptimalReturn => 1 - MoveCost;
}
