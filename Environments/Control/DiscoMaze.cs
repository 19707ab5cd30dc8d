using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline.Environments.Control;

/// <summary>
/// Random Disco Maze (NGU section 4.1; irm_ngu.md 2.8): a new (2n + 1)-square perfect maze every episode, the agent
/// on a random open cell, actions left, right, up, down moving one cell; stepping into a wall ends the episode; every
/// step each wall cell takes one of 5 colours at random; no extrinsic reward. Observation: [3, side, side] RGB in
/// [0, 1], walls in 5 colours of matplotlib's "hot" map (never black, so walls differ from paths in the red plane
/// whatever their colour), open cells black, the agent green. The changing walls make every observation new even
/// when the agent oscillates, which is what defeats novelty measured on raw observations.
/// </summary>
public sealed class DiscoMaze : VectorEnvironment
{
    /// <summary>Actions: 0 left, 1 right, 2 up, 3 down.</summary>
    public const int Left = 0, Right = 1, Up = 2, Down = 3;

    const int Agent = 6; // colour code of the agent; 0 is an open cell, 1 to 5 the wall colours
    static readonly float[] Red = new float[7], Green = new float[7], Blue = new float[7];

    readonly DiscoMazeConfig config;
    readonly PerfectMaze maze;
    readonly int side, cells;
    readonly int[] moves;
    readonly bool[] wall, visited;
    readonly byte[] colour;
    readonly int[] agent, visitedCount;

    static DiscoMaze()
    {
        for (var k = 1; k <= 5; k++)
            (Red[k], Green[k], Blue[k]) = Hot(k / 5f);
        (Red[Agent], Green[Agent], Blue[Agent]) = (0f, 1f, 0f);
    }

    /// <summary>matplotlib's "hot" colour map (its piecewise-linear segment data) at t in [0, 1].</summary>
    static (float R, float G, float B) Hot(float t) =>
        (Math.Min(1f, 0.0416f + t / 0.365079f * (1f - 0.0416f)),
         Math.Clamp((t - 0.365079f) / (0.746032f - 0.365079f), 0f, 1f),
         Math.Clamp((t - 0.746032f) / (1f - 0.746032f), 0f, 1f));

    /// <param name="firstCopy">see <see cref="VectorEnvironment"/>: this batch's offset within a larger, split batch.</param>
    public DiscoMaze(DiscoMazeConfig config, int count, int firstCopy = 0)
        : base("disco-maze", count, firstCopy, 4, Shape(config))
    {
        this.config = config;
        maze = new PerfectMaze(config.Rooms);
        (side, cells) = (maze.Side, maze.Side * maze.Side);
        moves = [-1, 1, -side, side];
        (wall, visited, colour) = (new bool[count * cells], new bool[count * cells], new byte[count * cells]);
        (agent, visitedCount) = (new int[count], new int[count]);
    }

    static int[] Shape(DiscoMazeConfig config)
    {
        config.Check();
        return [3, 2 * config.Rooms + 1, 2 * config.Rooms + 1];
    }

    protected override int EpisodeLimit => config.MaxSteps;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void StartEpisode(int copy, ref ulong stream)
    {
        var walls = wall.AsSpan(copy * cells, cells);
        maze.Carve(walls, ref stream);
        visited.AsSpan(copy * cells, cells).Clear();
        int start;
        do start = SplitMix.Below(ref stream, cells); while (walls[start]); // about half the cells are open
        agent[copy] = start;
        visited[copy * cells + start] = true;
        visitedCount[copy] = 1;
        Recolour(copy, ref stream);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (double Reward, bool Terminated) Advance(int copy, int action, ref ulong stream)
    {
        var target = agent[copy] + moves[action];
        if (wall[copy * cells + target]) return (0, true); // the border is wall, so target never leaves the grid
        agent[copy] = target;
        if (!visited[copy * cells + target])
        {
            visited[copy * cells + target] = true;
            visitedCount[copy]++;
        }
        Recolour(copy, ref stream);
        return (0, false);
    }

    /// <summary>
    /// Every wall cell draws one of 5 colours. One 64-bit draw yields 20 base-5 digits (multiply by 5, keep the
    /// carry); 5^20 / 2^64 &lt; 6e-6 bounds the bias of each digit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Recolour(int copy, ref ulong stream)
    {
        var walls = wall.AsSpan(copy * cells, cells);
        var colours = colour.AsSpan(copy * cells, cells);
        var (bits, left) = (0UL, 0);
        for (var c = 0; c < walls.Length; c++)
        {
            if (!walls[c])
            {
                colours[c] = 0;
                continue;
            }
            if (left == 0) (bits, left) = (SplitMix.Next(ref stream), 20);
            colours[c] = (byte)(1 + Math.BigMul(bits, 5UL, out bits));
            left--;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Observe(int copy, Span<float> observation)
    {
        var colours = colour.AsSpan(copy * cells, cells);
        var red = observation[..cells];
        var green = observation.Slice(cells, cells);
        var blue = observation.Slice(2 * cells, cells);
        for (var c = 0; c < colours.Length; c++)
        {
            var k = colours[c];
            (red[c], green[c], blue[c]) = (Red[k], Green[k], Blue[k]);
        }
        var a = agent[copy];
        (red[a], green[a], blue[a]) = (Red[Agent], Green[Agent], Blue[Agent]);
    }

    protected override double VisitedFraction(int copy) => (double)visitedCount[copy] / maze.OpenCells;

    protected override bool Solved(int copy) => false; // no extrinsic reward: the task is pure exploration

    /// <summary>Walls as their colour digit 1 to 5, open cells '.', the agent '@'.</summary>
    public override string RenderText(int copy)
    {
        CheckCopy(copy);
        var text = new StringBuilder();
        for (var r = 0; r < side; r++)
        {
            for (var c = 0; c < side; c++)
            {
                var cell = r * side + c;
                text.Append(cell == agent[copy] ? '@' : colour[copy * cells + cell] is var k && k == 0 ? '.' : (char)('0' + k));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The observation's colours, 12 pixels per cell.</summary>
    public override RgbFrame RenderFrame(int copy)
    {
        CheckCopy(copy);
        const int scale = 12;
        var frame = new RgbFrame(side * scale, side * scale, new byte[3 * side * side * scale * scale]);
        for (var cell = 0; cell < cells; cell++)
        {
            int k = cell == agent[copy] ? Agent : colour[copy * cells + cell];
            frame.Fill(cell % side * scale, cell / side * scale, scale, scale, Colour.FromUnit(Red[k], Green[k], Blue[k]));
        }
        return frame;
    }
}
