using System.Runtime.CompilerServices;
namespace Pipeline.Environments.Control;

/// <summary>
/// Places start, key, door and goal in a perfect maze so that the goal is reachable only through the door and the
/// key lies off the way to it: start in the top-left room, goal at the open cell farthest from the start, door on
/// the cell before the goal on the unique path, key at the cell farthest from that path on the start's side of the
/// door (a cell of the path itself in a maze with no branch there). Scratch buffers are reused, so a layout
/// drawn on auto-reset allocates nothing.
/// </summary>
sealed class KeyDoorPlanner
{
    readonly PerfectMaze maze;
    readonly int[] distance, parent, queue;

    public KeyDoorPlanner(PerfectMaze maze)
    {
        this.maze = maze;
        var cells = maze.Side * maze.Side;
        (distance, parent, queue) = (new int[cells], new int[cells], new int[cells]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (int Start, int Key, int Door, int Goal) Draw(Span<bool> wall, ref ulong stream)
    {
        maze.Carve(wall, ref stream);
        var start = maze.CellOfRoom(0);
        distance.AsSpan().Fill(-1);
        parent.AsSpan().Fill(-1);
        (queue[0], distance[start]) = (start, 0);
        Expand(wall, blocked: -1, tail: 1, recordParents: true);
        var goal = Farthest();
        var door = parent[goal]; // goal is at least 2 steps from the start in a maze of 2 x 2 rooms or more
        distance.AsSpan().Fill(-1);
        var tail = 0;
        for (var cell = parent[door]; cell != -1; cell = parent[cell]) (queue[tail++], distance[cell]) = (cell, 0);
        Expand(wall, blocked: door, tail, recordParents: false);
        return (start, Farthest(), door, goal);
    }

    /// <summary>Breadth-first search from queue[0..tail), never entering <paramref name="blocked"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Expand(Span<bool> wall, int blocked, int tail, bool recordParents)
    {
        var side = maze.Side;
        for (var head = 0; head < tail; head++)
        {
            var cell = queue[head];
            foreach (var next in (ReadOnlySpan<int>)[cell - 1, cell + 1, cell - side, cell + side])
            {
                if (wall[next] || next == blocked || distance[next] >= 0) continue;
                (distance[next], queue[tail++]) = (distance[cell] + 1, next);
                if (recordParents) parent[next] = cell;
            }
        }
    }

    /// <summary>The reached cell with the largest distance (the lowest index among ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int Farthest()
    {
        var best = 0;
        for (var cell = 1; cell < distance.Length; cell++)
            if (distance[cell] > distance[best]) best = cell;
        return best;
    }
}
