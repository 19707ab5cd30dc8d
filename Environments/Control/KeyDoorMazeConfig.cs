namespace Pipeline.Environments.Control;

/// <summary>Key-door maze settings: a perfect maze with a key, a locked door and a goal behind the door.</summary>
public sealed record KeyDoorMazeConfig
{
    /// <summary>Rooms per side n; the grid has 2n + 1 cells per side (5 gives 11 x 11).</summary>
    public int Rooms { get; init; } = 5;

    /// <summary>Steps before truncation; the scripted shortest solution of an 11 x 11 layout takes a few dozen.</summary>
    public int MaxSteps { get; init; } = 300;

    /// <summary>False: one layout drawn from <see cref="LayoutSeed"/>, shared by every copy and episode (a task to learn). True: a new layout every episode from the copy's stream.</summary>
    public bool NewLayoutEachEpisode { get; init; }

    /// <summary>Draws the fixed layout when <see cref="NewLayoutEachEpisode"/> is false.</summary>
    public int LayoutSeed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad field, its value and its range.</summary>
    public void Check()
    {
        ConfigCheck.InRange(nameof(Rooms), Rooms, 2, 100);
        ConfigCheck.InRange(nameof(MaxSteps), MaxSteps, 1, 1_000_000);
    }
}

/// <summary>Where things are in one key-door maze; cells are row * Side + column.</summary>
public sealed record KeyDoorLayout(int Side, bool[] Walls, int Start, int Key, int Door, int Goal);
