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
    }

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

    public void Dispose()
    {
        Count = 0;
        home?.Return(this);
    }
}
