using System.Collections.Concurrent;

namespace Pipeline.Stages.Replay;

/// <summary>
/// Reusable batch buffers, shared by any number of threads. Renting from an empty pool allocates; since the
/// graph bounds how many batches are in flight, a steady run stops allocating once the pool is warm.
/// </summary>
public sealed class BatchPool<T> where T : class
{
    readonly ConcurrentQueue<T> idle = new();
    readonly Func<BatchPool<T>, T> create;
    int created;

    internal BatchPool(Func<BatchPool<T>, T> create) => this.create = create;

    /// <summary>Batches this pool has allocated so far (a warm pool stops growing).</summary>
    public int Created => Volatile.Read(ref created);

    public T Rent()
    {
        if (idle.TryDequeue(out var batch)) return batch;
        Interlocked.Increment(ref created);
        return create(this);
    }

    internal void Return(T batch) => idle.Enqueue(batch);
}

/// <summary>Pools of <see cref="ItemBatch"/> and <see cref="SampleBatch"/> buffers.</summary>
public static class BatchPool
{
    public static BatchPool<ItemBatch> Items(ItemLayout layout, int batchSize) => new(pool => new ItemBatch(layout, batchSize, pool));

    public static BatchPool<SampleBatch> Samples(ItemLayout layout, int batchSize) => new(pool => new SampleBatch(layout, batchSize, pool));
}
