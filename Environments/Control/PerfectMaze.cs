using System.Runtime.CompilerServices;
namespace Pipeline.Environments.Control;

/// <summary>
/// Perfect mazes (exactly one path between any two open cells) by the randomized depth-first search (recursive
/// backtracker) on an n x n lattice of rooms, drawn on a (2n + 1) x (2n + 1) grid: rooms at odd coordinates, the
/// cell between two joined rooms opened, the border and everything else wall. A room is joined exactly when its
/// cell is open. Each room's four neighbour rooms are tabulated once, a missing one (beyond the border) as the room
/// itself, which is always open when it is asked: so the options are counted without a branch on the random layout
/// (such branches mispredict about half the time), and carving needs no division and allocates nothing.
/// </summary>
public sealed class PerfectMaze
{
    readonly int rooms;
    readonly int[] stack;
    readonly int[] neighbours; // per cell, 4 entries: the room two cells left, right, up, down, or the cell itself

    public PerfectMaze(int rooms)
    {
        ConfigCheck.InRange(nameof(rooms), rooms, 1, 1000);
        this.rooms = rooms;
        stack = new int[rooms * rooms];
        neighbours = new int[4 * Side * Side];
        for (var room = 0; room < rooms * rooms; room++)
        {
            var (r, c, cell) = (room / rooms, room % rooms, CellOfRoom(room));
            neighbours[4 * cell] = c > 0 ? cell - 2 : cell;
            neighbours[4 * cell + 1] = c < rooms - 1 ? cell + 2 : cell;
            neighbours[4 * cell + 2] = r > 0 ? cell - 2 * Side : cell;
            neighbours[4 * cell + 3] = r < rooms - 1 ? cell + 2 * Side : cell;
        }
    }

    /// <summary>Cells per side: 2n + 1.</summary>
    public int Side => 2 * rooms + 1;

    /// <summary>Open cells of every perfect maze: n^2 rooms plus the n^2 - 1 passages of a spanning tree.</summary>
    public int OpenCells => 2 * rooms * rooms - 1;

    /// <summary>The grid cell of room index r * n + c: row 2r + 1, column 2c + 1.</summary>
    public int CellOfRoom(int room) => (2 * (room / rooms) + 1) * Side + 2 * (room % rooms) + 1;

    /// <summary>Fills <paramref name="wall"/> (Side * Side, row-major) with a new maze drawn from <paramref name="stream"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Carve(Span<bool> wall, ref ulong stream)
    {
        wall.Fill(true);
        var start = CellOfRoom(SplitMix.Below(ref stream, rooms * rooms));
        var top = 0;
        stack[top++] = start;
        wall[start] = false;
        Span<int> options = stackalloc int[4];
        while (top > 0)
        {
            var cell = stack[top - 1];
            var around = neighbours.AsSpan(4 * cell, 4);
            var n = 0;
            for (var d = 0; d < 4; d++)
            {
                options[n] = around[d];
                n += Unsafe.As<bool, byte>(ref wall[around[d]]); // a bool is the byte 0 or 1: no jump
            }
            if (n == 0)
            {
                top--;
                continue;
            }
            var next = n == 1 ? options[0] : options[SplitMix.Below(ref stream, n)];
            wall[(cell + next) / 2] = false; // the passage between two rooms two cells apart
            wall[next] = false;
            stack[top++] = next;
        }
    }
}
