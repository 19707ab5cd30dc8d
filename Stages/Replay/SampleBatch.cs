namespace Pipeline.Stages.Replay;

/// <summary>
/// A caller-owned buffer that sampling copies into: the items' columns, their keys (for
/// <see cref="ReplayTable.UpdatePriorities"/>), the probability each was drawn with and its importance weight
/// w_i = (N P(i))^-beta / max_j w_j (R2D2). Dispose returns it to its pool.
/// </summary>
public sealed class SampleBatch : ColumnBlock, IDisposable
{
    readonly BatchPool<SampleBatch>? home;

    public SampleBatch(ItemLayout layout, int capacity) : this(layout, capacity, null) { }

    internal SampleBatch(ItemLayout layout, int capacity, BatchPool<SampleBatch>? home) : base(layout, capacity)
    {
        this.home = home;
        Keys = new long[capacity];
        Probabilities = new double[capacity];
        Weights = new double[capacity];
        TimesSampled = new int[capacity];
        Slots = new int[capacity];
    }

    /// <summary>The table slots drawn, pinned while the table copies them out.</summary>
    internal int[] Slots { get; }

    /// <summary>Items sampled into this batch (a flexible batch may hold fewer than its capacity).</summary>
    public int Count { get; internal set; }

    public long[] Keys { get; }

    public double[] Probabilities { get; }

    /// <summary>Importance weights in (0, 1], the largest of the batch exactly 1.</summary>
    public double[] Weights { get; }

    /// <summary>How often each item had been sampled, this time included.</summary>
    public int[] TimesSampled { get; }

    /// <summary>Items in the table when the batch was drawn (N in the importance weight).</summary>
    public int TableSize { get; internal set; }

    /// <summary>
    /// Marks the first <paramref name="count"/> items (their keys and probabilities set) as the batch drawn from
    /// <paramref name="tableSize"/> items and computes R2D2's w_i = (N P(i))^-beta, normalised so the largest is exactly 1.
    /// </summary>
    public void Complete(int count, int tableSize, double importanceExponent)
    {
        if (count < 0 || count > Capacity) throw new ArgumentOutOfRangeException(nameof(count), count, $"a batch of capacity {Capacity} holds 0..{Capacity} items");
        Count = count;
        TableSize = tableSize;
        var max = 0.0;
        for (var i = 0; i < count; i++)
        {
            var w = Math.Pow(tableSize * Probabilities[i], -importanceExponent);
            Weights[i] = w;
            max = Math.Max(max, w);
        }
        for (var i = 0; i < count; i++) Weights[i] /= max;
    }

    public void Dispose()
    {
        Count = 0;
        home?.Return(this);
    }
}
