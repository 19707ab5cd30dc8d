namespace Pipeline.Stages.Replay;

/// <summary>
/// Collects items produced one at a time (by sequence adders) into pooled <see cref="ItemBatch"/>es and hands out
/// the full ones. One per producer thread; not thread-safe. After warm-up it allocates nothing.
/// </summary>
public sealed class ItemBatchBuilder(BatchPool<ItemBatch> pool)
{
    readonly Queue<ItemBatch> full = new();
    ItemBatch current = pool.Rent();

    /// <summary>The batch the next item goes to.</summary>
    internal ItemBatch Current => current;

    /// <summary>Claims a new item (with its priority) in the current batch, moving on to a fresh batch when it is full.</summary>
    internal int Add(double priority)
    {
        if (current.IsFull)
        {
            full.Enqueue(current);
            current = pool.Rent();
        }
        return current.Add(priority);
    }

    /// <summary>A full batch to send on, or null. The receiver disposes it (back to the pool).</summary>
    public ItemBatch? TakeFull()
    {
        if (current.IsFull)
        {
            full.Enqueue(current);
            current = pool.Rent();
        }
        return full.TryDequeue(out var batch) ? batch : null;
    }

    /// <summary>At the end of production: the remaining full batches, then the partial one (null when nothing is left).</summary>
    public ItemBatch? TakeRest()
    {
        if (TakeFull() is { } batch) return batch;
        if (current.Count == 0) return null;
        var rest = current;
        current = pool.Rent();
        return rest;
    }
}
