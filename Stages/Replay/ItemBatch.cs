namespace Pipeline.Stages.Replay;

/// <summary>
/// Items on their way into a table: up to <see cref="ColumnBlock.Capacity"/> items with their priorities.
/// A producer fills it (or lets a <see cref="SequenceAdder"/> fill it) and hands it over; whoever inserts it
/// disposes it, which returns it to its pool.
/// </summary>
public sealed class ItemBatch : ColumnBlock, IDisposable
{
    readonly BatchPool<ItemBatch>? home;

    public ItemBatch(ItemLayout layout, int capacity) : this(layout, capacity, null) { }

    internal ItemBatch(ItemLayout layout, int capacity, BatchPool<ItemBatch>? home) : base(layout, capacity)
    {
        this.home = home;
        Priorities = new double[capacity];
    }

    /// <summary>Items filled so far; only these are inserted.</summary>
    public int Count { get; private set; }

    /// <summary>Priority of each item (used by a prioritized sampler; must be finite and at least 0).</summary>
    public double[] Priorities { get; }

    public bool IsFull => Count == Capacity;

    /// <summary>Claims the next item slot and sets its priority; returns its index for filling the columns.</summary>
    public int Add(double priority = 1.0)
    {
        if (IsFull) throw new InvalidOperationException($"the item batch is full ({Capacity} items)");
        Priorities[Count] = priority;
        return Count++;
    }

    /// <summary>Forgets the items (the arrays keep their contents until overwritten).</summary>
    public void Clear() => Count = 0;

    /// <summary>Returns the batch to its pool (if it came from one); do not use it afterwards.</summary>
    public void Dispose()
    {
        Clear();
        home?.Return(this);
    }
}
