using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline.Environments.Control;

/// <summary>
/// A perfect maze with a key, a locked door and a goal behind the door (see <see cref="KeyDoorPlanner"/> for the
/// placement). Actions left, right, up, down; walls and the locked door block (the agent stays, the episode goes
/// on); stepping on the key picks it up; entering the door with the key opens it for the rest of the episode; the
/// goal, reachable only through the door, gives the single reward 1 and ends the episode. Observation: five binary
/// planes [5, side, side]: wall, agent, key (until picked up), door (while locked), goal.
/// </summary>
public sealed class KeyDoorMaze : VectorEnvironment
{
    /// <summary>Actions: 0 left, 1 right, 2 up, 3 down.</summary>
    public const int Left = 0, Right = 1, Up = 2, Down = 3;

    readonly KeyDoorMazeConfig config;
    readonly PerfectMaze maze;
    readonly KeyDoorPlanner planner;
    readonly int side, cells;
    readonly int[] moves;
    readonly bool[] fixedWalls;
    readonly (int Start, int Key, int Door, int Goal) fixedLayout;
    readonly bool[] wall, visited;
    readonly (int Start, int Key, int Door, int Goal)[] layout;
    readonly int[] agent, visitedCount;
    readonly bool[] hasKey, doorOpen, reachedGoal;

    public KeyDoorMaze(KeyDoorMazeConfig config, int count, int firstCopy = 0)
        : base("key-door-maze", count, firstCopy, 4, Shape(config))
    {
        this.config = config;
        maze = new PerfectMaze(config.Rooms);
        planner = new KeyDoorPlanner(maze);
        (side, cells) = (maze.Side, maze.Side * maze.Side);
        moves = [-1, 1, -side, side];
        fixedWalls = new bool[cells];
        var layoutStream = (ulong)config.LayoutSeed;
        fixedLayout = planner.Draw(fixedWalls, ref layoutStream);
        (wall, visited, layout) = (new bool[count * cells], new bool[count * cells], new (int, int, int, int)[count]);
        (agent, visitedCount) = (new int[count], new int[count]);
        (hasKey, doorOpen, reachedGoal) = (new bool[count], new bool[count], new bool[count]);
    }

    static int[] Shape(KeyDoorMazeConfig config)
    {
        config.Check();
        return [5, 2 * config.Rooms + 1, 2 * config.Rooms + 1];
    }

    /// <summary>Copy <paramref name="copy"/>'s current layout (for scripted policies and tests).</summary>
    public KeyDoorLayout Layout(int copy)
    {
        CheckCopy(copy);
        var l = layout[copy];
        return new KeyDoorLayout(side, wall.AsSpan(copy * cells, cells).ToArray(), l.Start, l.Key, l.Door, l.Goal);
    }

    /// <summary>The grid is one-hot: every value is 0 or 1.</summary>
    public override bool ByteObservations => true;

    protected override int EpisodeLimit => config.MaxSteps;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void StartEpisode(int copy, ref ulong stream)
    {
        var walls = wall.AsSpan(copy * cells, cells);
        if (config.NewLayoutEachEpisode) layout[copy] = planner.Draw(walls, ref stream);
        else
        {
            fixedWalls.CopyTo(walls);
            layout[copy] = fixedLayout;
        }
        visited.AsSpan(copy * cells, cells).Clear();
        var start = layout[copy].Start;
        (agent[copy], visited[copy * cells + start], visitedCount[copy]) = (start, true, 1);
        (hasKey[copy], doorOpen[copy], reachedGoal[copy]) = (start == layout[copy].Key, false, false);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (double Reward, bool Terminated) Advance(int copy, int action, ref ulong stream)
    {
        var target = agent[copy] + moves[action];
        var (_, key, door, goal) = layout[copy];
        if (wall[copy * cells + target]) return (0, false);
        if (target == door && !doorOpen[copy])
        {
            if (!hasKey[copy]) return (0, false);
            doorOpen[copy] = true;
        }
        agent[copy] = target;
        if (!visited[copy * cells + target])
        {
            visited[copy * cells + target] = true;
            visitedCount[copy]++;
        }
        if (target == key) hasKey[copy] = true;
        if (target != goal || !hasKey[copy]) return (0, false);
        reachedGoal[copy] = true;
        return (1, true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Observe(int copy, Span<float> observation)
    {
        observation.Clear();
        var walls = wall.AsSpan(copy * cells, cells);
        for (var c = 0; c < cells; c++)
            if (walls[c]) observation[c] = 1f;
        var (_, key, door, goal) = layout[copy];
        observation[cells + agent[copy]] = 1f;
        if (!hasKey[copy]) observation[2 * cells + key] = 1f;
        if (!doorOpen[copy]) observation[3 * cells + door] = 1f;
        observation[4 * cells + goal] = 1f;
    }

    protected override double VisitedFraction(int copy) => (double)visitedCount[copy] / maze.OpenCells;

    protected override bool Solved(int copy) => reachedGoal[copy];

    /// <summary>'#' wall, '.' open, '@' agent, 'k' key, 'D' locked door, 'G' goal; a last line says whether the key is held.</summary>
    public override string RenderText(int copy)
    {
        CheckCopy(copy);
        var (_, key, door, goal) = layout[copy];
        var text = new StringBuilder();
        for (var cell = 0; cell < cells; cell++)
        {
            text.Append(cell == agent[copy] ? '@'
                : cell == key && !hasKey[copy] ? 'k'
                : cell == door && !doorOpen[copy] ? 'D'
                : cell == goal ? 'G'
                : wall[copy * cells + cell] ? '#' : '.');
            if (cell % side == side - 1) text.Append('\n');
        }
        return text.Append(hasKey[copy] ? "holding the key\n" : "no key\n").ToString();
    }

    /// <summary>Walls grey, agent green, key yellow, locked door brown, goal blue; 16 pixels per cell.</summary>
    public override RgbFrame RenderFrame(int copy)
    {
        CheckCopy(copy);
        const int scale = 16;
        var (_, key, door, goal) = layout[copy];
        var frame = RgbFrame.Filled(side * scale, side * scale, new Colour(0, 0, 0));
        void Paint(int cell, Colour colour, int inset) =>
            frame.Fill(cell % side * scale + inset, cell / side * scale + inset, scale - 2 * inset, scale - 2 * inset, colour);
        for (var cell = 0; cell < cells; cell++)
            if (wall[copy * cells + cell]) Paint(cell, new Colour(128, 128, 128), 0);
        Paint(goal, new Colour(40, 90, 230), 1);
        if (!doorOpen[copy]) Paint(door, new Colour(140, 80, 20), 0);
        if (!hasKey[copy]) Paint(key, new Colour(240, 210, 30), 4);
        Paint(agent[copy], new Colour(40, 200, 60), 3);
        return frame;
    }
}
