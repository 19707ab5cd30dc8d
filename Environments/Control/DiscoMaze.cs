using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
    static readonly float[] Red = new float[8], Green = new float[8], Blue = new float[8]; // 8 entries: one AVX2 register each

    readonly DiscoMazeConfig config;
    readonly PerfectMaze maze;
    readonly int side, cells;
    readonly int[] moves;
    readonly bool[] wall, visited;
    readonly byte[] colour;
    readonly int[] agent, visitedCount;

    static DiscoMaze()
    {
        // Rounded to k / 255, as an 8-bit picture of the map would be, so replay can keep observations in bytes.
        for (var k = 1; k <= 5; k++)
        {
            var (r, g, b) = Hot(k / 5f);
            (Red[k], Green[k], Blue[k]) = (ObservationBytes.Quantize(r), ObservationBytes.Quantize(g), ObservationBytes.Quantize(b));
        }
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

    /// <summary>Every colour is rounded to k / 255.</summary>
    public override bool ByteObservations => true;

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
    /// carry); 5^20 / 2^64 &lt; 6e-6 bounds the bias of each digit. Every cell takes a digit and open cells multiply
    /// theirs by 0: a branch on the random maze layout mispredicts about every other cell, which cost more than
    /// the extra digits. Four draws feed four interleaved digit chains so their multiplies overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Recolour(int copy, ref ulong stream)
    {
        var walls = MemoryMarshal.Cast<bool, byte>(wall.AsSpan(copy * cells, cells));
        var colours = colour.AsSpan(copy * cells, cells);
        var c = 0;
        for (; c + 80 <= walls.Length; c += 80)
        {
            var (b0, b1, b2, b3) = (SplitMix.Next(ref stream), SplitMix.Next(ref stream), SplitMix.Next(ref stream), SplitMix.Next(ref stream));
            for (var j = c; j < c + 80; j += 4)
            {
                (var d0, b0) = TimesFive(b0);
                (var d1, b1) = TimesFive(b1);
                (var d2, b2) = TimesFive(b2);
                (var d3, b3) = TimesFive(b3);
                colours[j] = (byte)(walls[j] * (1 + d0));
                colours[j + 1] = (byte)(walls[j + 1] * (1 + d1));
                colours[j + 2] = (byte)(walls[j + 2] * (1 + d2));
                colours[j + 3] = (byte)(walls[j + 3] * (1 + d3));
            }
        }
        var (bits, left) = (0UL, 0);
        for (; c < walls.Length; c++)
        {
            if (left == 0) (bits, left) = (SplitMix.Next(ref stream), 20);
            (var digit, bits) = TimesFive(bits);
            colours[c] = (byte)(walls[c] * (1 + digit));
            left--;
        }
    }

    /// <summary>
    /// 5 x <paramref name="bits"/> as a 128-bit number: its high word (the next base-5 digit, 0 to 4) and its low
    /// word (the bits left). As 4x + x with the carry read off the sum: shifts and adds, which keep the four digit
    /// chains in registers where a 128-bit multiply with an out parameter did not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (int Digit, ulong Remaining) TimesFive(ulong bits)
    {
        var times4 = bits << 2;
        var times5 = unchecked(times4 + bits);
        return ((int)(bits >> 62) + (times5 < times4 ? 1 : 0), times5);
    }

    /// <summary>
    /// The planes by table lookup: with AVX2, 8 cells at a time (their colour codes widened to 8 indices, each plane
    /// one vpermps from its 8-entry table); otherwise, and for the last cells, one cell at a time through refs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Observe(int copy, Span<float> observation)
    {
        if (observation.Length < 3 * cells) throw new ArgumentException($"a disco-maze observation needs {3 * cells} floats, not {observation.Length}");
        ref var codes = ref colour[copy * cells];
        ref var red = ref MemoryMarshal.GetReference(observation);
        ref var green = ref Unsafe.Add(ref red, cells);
        ref var blue = ref Unsafe.Add(ref red, 2 * cells);
        var c = 0;
        if (Avx2.IsSupported)
        {
            var (redOf, greenOf, blueOf) = (Vector256.Create(Red), Vector256.Create(Green), Vector256.Create(Blue));
            for (; c + 8 <= cells; c += 8)
            {
                var packed = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref codes, c))).AsByte();
                var index = Avx2.ConvertToVector256Int32(packed);
                Avx2.PermuteVar8x32(redOf, index).StoreUnsafe(ref red, (nuint)c);
                Avx2.PermuteVar8x32(greenOf, index).StoreUnsafe(ref green, (nuint)c);
                Avx2.PermuteVar8x32(blueOf, index).StoreUnsafe(ref blue, (nuint)c);
            }
        }
        ref var redTable = ref MemoryMarshal.GetArrayDataReference(Red);
        ref var greenTable = ref MemoryMarshal.GetArrayDataReference(Green);
        ref var blueTable = ref MemoryMarshal.GetArrayDataReference(Blue);
        for (; c < cells; c++)
        {
            var k = Unsafe.Add(ref codes, c); // 0 to 5, within the 8-entry tables
            Unsafe.Add(ref red, c) = Unsafe.Add(ref redTable, k);
            Unsafe.Add(ref green, c) = Unsafe.Add(ref greenTable, k);
            Unsafe.Add(ref blue, c) = Unsafe.Add(ref blueTable, k);
        }
        var a = agent[copy];
        (observation[a], observation[cells + a], observation[2 * cells + a]) = (Red[Agent], Green[Agent], Blue[Agent]);
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
