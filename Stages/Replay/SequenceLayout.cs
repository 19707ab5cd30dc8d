namespace Pipeline.Stages.Replay;

/// <summary>
/// The item layout of fixed-length sequences built from steps: every step column gains a leading dimension of
/// <see cref="Length"/>, plus <c>mask</c> (float [Length], 1 for real steps, 0 for padding) and, when the agent is
/// recurrent, <c>initial_state</c> (float, the state given at the sequence's first step). Adjacent sequences start
/// <see cref="Period"/> steps apart, so they overlap by Length − Period (NGU/R2D2: 80/40; Disco Maze: 50/50).
/// </summary>
public sealed class SequenceLayout
{
    public const string MaskColumn = "mask";
    public const string InitialStateColumn = "initial_state";

    /// <param name="stateShape">shape of the recurrent state stored per sequence, e.g. [2, 64]; empty for none.</param>
    public SequenceLayout(ItemLayout step, int length, int period, params int[] stateShape)
    {
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), length, $"sequence length {length} must be at least 1");
        if (period < 1 || period > length)
            throw new ArgumentOutOfRangeException(nameof(period), period, $"period {period} must be in [1, length {length}] (a longer period would skip steps)");
        foreach (var reserved in new[] { MaskColumn, InitialStateColumn })
            if (step.Contains(reserved)) throw new ArgumentException($"step column '{reserved}' is reserved for the sequence layout", nameof(step));
        (Step, Length, Period, StateSize) = (step, length, period, stateShape.Aggregate(stateShape.Length == 0 ? 0 : 1, (a, d) => a * d));
        var columns = step.Columns.Select(c => new ColumnSpec(c.Name, c.Type, [length, .. c.Shape])).ToList();
        columns.Add(new ColumnSpec(MaskColumn, ElementType.Float32, length));
        if (StateSize > 0) columns.Add(new ColumnSpec(InitialStateColumn, ElementType.Float32, stateShape));
        Items = new ItemLayout([.. columns]);
    }

    /// <summary>The columns of one step (a scalar column has shape []).</summary>
    public ItemLayout Step { get; }

    /// <summary>The columns of one stored sequence: what the table holds.</summary>
    public ItemLayout Items { get; }

    public int Length { get; }

    public int Period { get; }

    /// <summary>
    /// Real steps a partial sequence must hold to be emitted at an episode's end when it starts mid-episode (1: every
    /// one). R2D2 learners set burn-in + 1: a shorter tail is all burn-in, trains nothing, and its steps are in the
    /// sequence before it anyway. Sequences that start the episode are always emitted.
    /// </summary>
    public int MinimumTail
    {
        get => minimumTail;
        init => minimumTail = value >= 1 && value <= Length ? value
            : throw new ArgumentOutOfRangeException(nameof(MinimumTail), value, $"minimum tail {value} must be in [1, length {Length}]");
    }

    int minimumTail = 1;

    /// <summary>Floats of recurrent state per sequence (0: none stored).</summary>
    public int StateSize { get; }

    internal int Mask => Step.Columns.Count;

    internal int State => Step.Columns.Count + 1;
}
