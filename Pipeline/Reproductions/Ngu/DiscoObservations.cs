using Pipeline.Environments.Control;

namespace Pipeline.Reproductions.Ngu;

/// <summary>
/// Reading a Disco Maze observation ([3, side, side] RGB planes) as a scripted agent would: walls are never black in
/// the red plane, the agent is the one pure green cell. Used to script legal walks without the environment's internals.
/// </summary>
static class DiscoObservations
{
    /// <summary>The agent's cell (row-major index): red 0, green 1.</summary>
    public static int AgentCell(ReadOnlySpan<float> observation, int side)
    {
        var cells = side * side;
        for (var c = 0; c < cells; c++)
            if (observation[c] == 0 && observation[cells + c] == 1) return c;
        throw new InvalidOperationException("no agent in the observation");
    }

    /// <summary>Open neighbours of a cell in the order left, right, up, down.</summary>
    public static List<int> OpenNeighbours(ReadOnlySpan<float> observation, int side, int at)
    {
        var open = new List<int>(4);
        foreach (var cell in new[] { at - 1, at + 1, at - side, at + side })
            if (observation[cell] == 0) open.Add(cell);
        return open;
    }

    /// <summary>The action that moves from a cell to a neighbouring one.</summary>
    public static int Move(int from, int to, int side) => (to - from) switch
    {
        -1 => DiscoMaze.Left,
        1 => DiscoMaze.Right,
        var d when d == -side => DiscoMaze.Up,
        var d when d == side => DiscoMaze.Down,
        _ => throw new InvalidOperationException($"cells {from} and {to} are not neighbours"),
    };
}
