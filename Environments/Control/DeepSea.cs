using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline.Environments.Control;

/// <summary>
/// Deep Sea (bsuite, deterministic): the agent starts top-left of an N x N grid and descends one row per step; in
/// each cell one of the two actions means "right" (column + 1, cost MoveCost / N) and the other "left" (column - 1,
/// clipped at 0), by a random mapping fixed by <see cref="DeepSeaConfig.MappingSeed"/>. Reward 1 for going right
/// from the bottom-right cell, which only the policy that goes right at every one of the N steps reaches, so
/// dithering exploration needs about 2^N episodes. Observation: one-hot position, [1, N, N].
/// VisitedFraction = N / (N (N + 1) / 2): every episode visits one cell per row among the N (N + 1) / 2 reachable
/// cells (column at most row), so it is the same for every episode; count distinct cells across episodes instead.
/// </summary>
public sealed class DeepSea : VectorEnvironment
{
    readonly DeepSeaConfig config;
    readonly int size;
    readonly bool[] rightIsOne;
    readonly int[] row, column;
    readonly bool[] rewarded;

    public DeepSea(DeepSeaConfig config, int count, int firstCopy = 0)
        : base("deep-sea", count, firstCopy, 2, Shape(config))
    {
        this.config = config;
        size = config.Size;
        rightIsOne = new bool[size * size];
        var stream = (ulong)config.MappingSeed;
        for (var cell = 0; cell < rightIsOne.Length; cell++) rightIsOne[cell] = (SplitMix.Next(ref stream) & 1) == 1;
        (row, column, rewarded) = (new int[count], new int[count], new bool[count]);
    }

    static int[] Shape(DeepSeaConfig config)
    {
        config.Check();
        return [1, config.Size, config.Size];
    }

    /// <summary>The action that moves right in cell (row, column); bsuite's action_mapping[row, column].</summary>
    public int RightAction(int atRow, int atColumn) => rightIsOne[atRow * size + atColumn] ? 1 : 0;

    /// <summary>The grid is one-hot: every value is 0 or 1.</summary>
    public override bool ByteObservations => true;

    /// <summary>Episodes end by termination after exactly N steps; this limit is never the one that ends them.</summary>
    protected override int EpisodeLimit => size + 1;

    protected override void StartEpisode(int copy, ref ulong stream) => (row[copy], column[copy], rewarded[copy]) = (0, 0, false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (double Reward, bool Terminated) Advance(int copy, int action, ref ulong stream)
    {
        var (r, c) = (row[copy], column[copy]);
        var right = action == RightAction(r, c);
        var reward = 0.0;
        if (right && c == size - 1)
        {
            reward += 1;
            rewarded[copy] = true;
        }
        if (right)
        {
            column[copy] = Math.Min(c + 1, size - 1);
            reward -= config.MoveCost / size;
        }
        else column[copy] = Math.Max(c - 1, 0);
        row[copy] = r + 1;
        return (reward, row[copy] == size);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Observe(int copy, Span<float> observation)
    {
        observation.Clear();
        observation[row[copy] * size + column[copy]] = 1f;
    }

    protected override double VisitedFraction(int copy) => 2.0 / (size + 1);

    protected override bool Solved(int copy) => rewarded[copy];

    /// <summary>The agent '@', reachable cells '.', unreachable ones ' ', the rewarding corner '*'.</summary>
    public override string RenderText(int copy)
    {
        CheckCopy(copy);
        var text = new StringBuilder();
        for (var r = 0; r < size; r++)
        {
            for (var c = 0; c < size; c++)
                text.Append(r == row[copy] && c == column[copy] ? '@' : r == size - 1 && c == size - 1 ? '*' : c <= r ? '.' : ' ');
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Reachable cells dark blue, the agent yellow, the rewarding corner red; about 320 pixels square.</summary>
    public override RgbFrame RenderFrame(int copy)
    {
        CheckCopy(copy);
        var scale = Math.Max(2, 320 / size);
        var frame = RgbFrame.Filled(size * scale, size * scale, new Colour(0, 0, 0));
        for (var r = 0; r < size; r++)
            for (var c = 0; c <= r; c++)
                frame.Fill(c * scale + 1, r * scale + 1, scale - 2, scale - 2, new Colour(20, 40, 110));
        frame.Fill((size - 1) * scale + 1, (size - 1) * scale + 1, scale - 2, scale - 2, new Colour(200, 30, 30));
        frame.Fill(column[copy] * scale + 2, row[copy] * scale + 2, scale - 4, scale - 4, new Colour(250, 220, 40));
        return frame;
    }
}
