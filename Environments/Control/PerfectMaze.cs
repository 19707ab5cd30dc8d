namespace Pipeline.Environments.Control;

/// <summary>
/// Perfect mazes (exactly one path between any two open cells) by the randomized depth-first search (recursive
/// backtracker) on an n x n lattice of rooms, drawn on a (2n + 1) x (2n + 1) grid: rooms at odd coordinates, the
/// cell between two joined rooms opened, the border and everything else wall. The scratch buffers are allocated
/// once, so carving a maze allocates nothing.
/// </summary>
public sealed class PerfectMaze
{
    readonly int rooms;
    readonly int[] stack;
    readonly bool[] joined;

    public PerfectMaze(int rooms)
    {
        ConfigCheck.InRange(nameof(rooms), rooms, 1, 1000);
        this.rooms = rooms;
        (stack, joined) = (new int[rooms * rooms], new bool[rooms * rooms]);
    }

    /// <summary>Cells per side: 2n + 1.</summary>
    public int Side => 2 * rooms + 1;

    /// <summary>Open cells of every perfect maze: n^2 rooms plus the n^2 - 1 passages of a spanning tree.</summary>
    public int OpenCells => 2 * rooms * rooms - 1;

    /// <summary>The cell (row, column) of room (r, c).</summary>
    public int CellOfRoom(int room) => (2 * (room / rooms) + 1) * Side + 2 * (room % rooms) + 1;

    /// <summary>Fills <paramref name="wall"/> (Side * Side, row-major) with a new maze drawn from <paramref name="stream"/>.</summary>
    public void Carve(Span<bool> wall, ref ulong stream)
    {
        wall.Fill(true);
        Array.Clear(joined);
        var start = SplitMix.Below(ref stream, rooms * rooms);
        var top = 0;
        stack[top++] = start;
        joined[start] = true;
        wall[CellOfRoom(start)] = false;
        Span<int> options = stackalloc int[4];
        while (top > 0)
        {
            var room = stack[top - 1];
            var (r, c) = (room / rooms, room % rooms);
            var n = 0;
            if (r > 0 && !joined[room - rooms]) options[n++] = room - rooms;
            if (r < rooms - 1 && !joined[room + rooms]) options[n++] = room + rooms;
            if (c > 0 && !joined[room - 1]) options[n++] = room - 1;
            if (c < rooms - 1 && !joined[room + 1]) options[n++] = room + 1;
            if (n == 0)
            {
                top--;
                continue;
            }
            var next = options[SplitMix.Below(ref stream, n)];
            joined[next] = true;
            var (from, to) = (CellOfRoom(room), CellOfRoom(next));
            wall[(from + to) / 2] = false; // the passage between two rooms two cells apart
            wall[to] = false;
            stack[top++] = next;
        }
    }
}
