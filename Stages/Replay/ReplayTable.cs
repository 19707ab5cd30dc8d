using System.Globalization;

namespace Pipeline.Stages.Replay;

/// <summary>What a table holds and has done, read under its lock.</summary>
public readonly record struct TableInfo(int Size, LimiterCounters Counters, long SkippedPriorityUpdates, double PriorityTotal);

/// <summary>
/// A thread-safe replay table with Reverb's semantics (irm_ngu.md 3.1): items get increasing keys, the oldest
/// item makes room at capacity (Fifo remover), the sampler is uniform, fifo or prioritized over a sum-tree, an item
/// sampled max_times_sampled times is deleted before the sample returns, and a <see cref="RateLimiterOptions"/>
/// decides when inserts and samples may proceed. Data is copied in and out (one preallocated array per column),
/// so a caller may reuse its batches at once. One lock guards the table's state; blocking calls wait without
/// spinning. Sampling copies its items out after releasing the lock: the drawn slots are pinned meanwhile, and a
/// pinned slot that is evicted or deleted is freed only when its last reader unpins it (an insert that needs it
/// waits), so a reader never sees a slot overwritten and inserts are not held up by the sampler's copying.
/// </summary>
public sealed partial class ReplayTable
{
    readonly object gate = new();
    readonly ColumnBlock storage;
    readonly SumTree tree;
    readonly long[] slotKey;
    readonly double[] slotPriority;
    readonly int[] slotTimesSampled;
    readonly int[] older, newer; // the items in insertion order, as a linked list over slots (Fifo remover and sampler)
    readonly int[] free;
    readonly int[] pins; // readers copying the slot out right now
    readonly bool[] deferred; // removed while pinned: freed by the last unpin
    readonly RateLimiter limiter;
    readonly ReplayRandom random;
    int freeCount, deferredCount, size, oldest = -1, newest = -1;
    long insertions, skippedUpdates;

    public ReplayTable(TableOptions options)
    {
        Options = options.Validate();
        var capacity = options.Capacity;
        storage = new ColumnBlock(options.Layout, capacity);
        tree = new SumTree(capacity);
        slotKey = new long[capacity];
        slotPriority = new double[capacity];
        slotTimesSampled = new int[capacity];
        older = new int[capacity];
        newer = new int[capacity];
        free = new int[capacity];
        pins = new int[capacity];
        deferred = new bool[capacity];
        // Slots are handed out from 0 upwards; the stack is filled so that slot 0 is on top.
        for (var i = 0; i < capacity; i++) free[i] = capacity - 1 - i;
        freeCount = capacity;
        Array.Fill(slotKey, -1);
        limiter = new RateLimiter(options.RateLimiter);
        random = new ReplayRandom(options.Seed);
        StreamsInserts = options.Layout.ItemBytes * capacity >= StreamingCopy.MinimumTableBytes;
    }

    public TableOptions Options { get; }

    /// <summary>Whether inserts copy with streaming stores: a table of at least <see cref="StreamingCopy.MinimumTableBytes"/>, larger than the cache.</summary>
    internal bool StreamsInserts { get; }

    public ItemLayout Layout => Options.Layout;

    public int Size
    {
        get { lock (gate) return size; }
    }

    public TableInfo Info()
    {
        lock (gate) return new(size, limiter.Counters, skippedUpdates, tree.Total);
    }

    /// <summary>Keys of the items held, oldest first.</summary>
    public long[] Keys()
    {
        lock (gate)
        {
            var keys = new long[size];
            for (int s = oldest, i = 0; s >= 0; s = newer[s]) keys[i++] = slotKey[s];
            return keys;
        }
    }

    /// <summary>Copies the held item with key <paramref name="key"/> into item <paramref name="index"/> of <paramref name="into"/>; false if it is not held.</summary>
    public bool TryRead(long key, ColumnBlock into, int index, out double priority)
    {
        CheckLayout(into.Layout);
        lock (gate)
        {
            priority = 0;
            if (!TryFind(key, out var slot)) return false;
            into.CopyItem(storage, slot, index);
            priority = slotPriority[slot];
            return true;
        }
    }

    /// <summary>
    /// Inserts as many items of <paramref name="batch"/>, from item <paramref name="start"/>, as the rate limiter
    /// allows now, under one lock acquisition; returns how many. Never blocks.
    /// </summary>
    public int TryInsert(ItemBatch batch, int start = 0)
    {
        CheckLayout(batch.Layout);
        CheckPriorities(batch.Priorities.AsSpan(start, batch.Count - start), null);
        lock (gate)
        {
            var n = InsertLocked(batch, start);
            if (n > 0) WakeAll();
            return n;
        }
    }

    /// <summary>Samples up to the batch's capacity while the rate limiter allows (Reverb's SampleFlexibleBatch); returns the count, 0 if not allowed now.</summary>
    public int TrySample(SampleBatch batch)
    {
        CheckLayout(batch.Layout);
        int n, held;
        lock (gate)
        {
            (n, held) = SelectLocked(batch);
            if (n > 0) WakeAll();
        }
        CopyOut(batch, n, held);
        return n;
    }

    /// <summary>
    /// Sets the priorities of the items with these keys. Keys no longer held (evicted or deleted) are skipped and
    /// counted in <see cref="TableInfo.SkippedPriorityUpdates"/>. Every priority must be finite and at least 0;
    /// otherwise nothing is changed. Returns how many items were updated.
    /// </summary>
    public int UpdatePriorities(ReadOnlySpan<long> keys, ReadOnlySpan<double> priorities)
    {
        if (keys.Length != priorities.Length)
            throw new ArgumentException($"{keys.Length} keys but {priorities.Length} priorities", nameof(priorities));
        CheckPriorities(priorities, keys);
        lock (gate)
        {
            var updated = 0;
            for (var i = 0; i < keys.Length; i++)
            {
                if (!TryFind(keys[i], out var slot))
                {
                    skippedUpdates++;
                    continue;
                }
                SetPriority(slot, priorities[i]);
                updated++;
            }
            return updated;
        }
    }

    int InsertLocked(ItemBatch batch, int start)
    {
        var n = limiter.InsertsAllowed(batch.Count - start);
        int low = int.MaxValue, high = -1;
        var inserted = 0;
        int runFrom = start, runSlot = -1, runLength = 0; // batch items going to consecutive slots, copied in one go
        for (var i = start; i < start + n; i++)
        {
            // The oldest makes room and its slot is reused at once (the new leaf replaces it below). A full table
            // has no free or deferred slot, so while a reader pins the oldest the insert stops (and, if blocking,
            // waits for the unpin) instead of deleting an item it could not replace.
            if (size == Options.Capacity)
            {
                if (pins[oldest] > 0) break;
                Remove(oldest, leaf: false);
            }
            if (freeCount == 0) break; // every free slot awaits its readers' unpin, which wakes the waiting inserters
            var slot = free[--freeCount];
            inserted++;
            if (runLength > 0 && slot == runSlot + runLength) runLength++;
            else
            {
                CopyRun(batch, runFrom, runSlot, runLength);
                (runFrom, runSlot, runLength) = (i, slot, 1);
            }
            slotKey[slot] = insertions++ * Options.Capacity + slot;
            slotTimesSampled[slot] = 0;
            slotPriority[slot] = batch.Priorities[i];
            tree.SetLeaf(slot, Options.Sampler.Weight(batch.Priorities[i]));
            (low, high) = (Math.Min(low, slot), Math.Max(high, slot));
            size++;
            older[slot] = newest;
            newer[slot] = -1;
            if (newest >= 0) newer[newest] = slot;
            else oldest = slot;
            newest = slot;
            limiter.Inserts++;
        }
        CopyRun(batch, runFrom, runSlot, runLength);
        // One pass over the ancestors of the batch's slots when they are close together (Fifo reuse makes them
        // consecutive), instead of a walk per item; scattered slots (a wrap-around, holes) get a walk each.
        if (inserted == 0) return 0;
        if (high - low < 4 * inserted + 64) tree.Recompute(low, high);
        else
            for (int slot = newest, k = 0; k < inserted; slot = older[slot], k++) tree.Set(slot, tree[slot]);
        return inserted;
    }

    void CopyRun(ItemBatch batch, int from, int slot, int count)
    {
        if (count > 0) storage.CopyItems(batch, from, slot, count, StreamsInserts);
    }

    /// <summary>Draws up to the batch's capacity while the limiter allows and pins the drawn slots; returns the count and the size drawn from.</summary>
    (int Count, int Held) SelectLocked(SampleBatch batch)
    {
        var held = size;
        var n = 0;
        while (n < batch.Capacity && size > 0 && limiter.CanSample(1))
        {
            var (slot, probability) = Select();
            pins[slot]++;
            batch.Slots[n] = slot;
            batch.Keys[n] = slotKey[slot];
            batch.Probabilities[n] = probability;
            batch.TimesSampled[n] = ++slotTimesSampled[slot];
            limiter.Samples++;
            if (Options.MaxTimesSampled > 0 && slotTimesSampled[slot] >= Options.MaxTimesSampled) Remove(slot);
            n++;
        }
        return (n, held);
    }

    /// <summary>Outside the lock: copies the pinned items into the batch, then unpins them (under the lock, briefly).</summary>
    void CopyOut(SampleBatch batch, int n, int held)
    {
        if (n == 0)
        {
            batch.Complete(0, held, Options.ImportanceExponent);
            return;
        }
        try
        {
            for (var i = 0; i < n; i++) batch.CopyItem(storage, batch.Slots[i], i);
            batch.Complete(n, held, Options.ImportanceExponent);
        }
        finally
        {
            lock (gate)
            {
                var unpinned = false;
                for (var i = 0; i < n; i++)
                {
                    var slot = batch.Slots[i];
                    if (--pins[slot] > 0) continue;
                    unpinned = true; // an insert may wait for this slot: to reuse it, or to evict it as the oldest
                    if (!deferred[slot]) continue;
                    deferred[slot] = false;
                    deferredCount--;
                    free[freeCount++] = slot;
                }
                if (unpinned) WakeAll();
            }
        }
    }

    (int Slot, double Probability) Select()
    {
        if (Options.Sampler is FifoSampler) return (oldest, 1.0);
        var total = tree.Total;
        // All priorities zero: sample uniformly over the items held (as Reverb does).
        if (total <= 0) return (SlotAt((int)(random.NextDouble() * size)), 1.0 / size);
        var slot = tree.Find(random.NextDouble() * total);
        return (slot, tree[slot] / total);
    }

    int SlotAt(int index)
    {
        var slot = oldest;
        for (var i = 0; i < index; i++) slot = newer[slot];
        return slot;
    }

    /// <summary>
    /// A key is insertion index · capacity + slot: increasing with every insert, and it names its slot, so finding an
    /// item needs no map. The slot's current key tells whether the item is still there.
    /// </summary>
    bool TryFind(long key, out int slot)
    {
        slot = key >= 0 ? (int)(key % Options.Capacity) : 0;
        return key >= 0 && slotKey[slot] == key;
    }

    void SetPriority(int slot, double priority)
    {
        slotPriority[slot] = priority;
        tree.Set(slot, Options.Sampler.Weight(priority));
    }

    /// <param name="leaf">false when the caller overwrites the slot's leaf at once (saves a walk up the tree).</param>
    void Remove(int slot, bool leaf = true)
    {
        slotKey[slot] = -1;
        size--;
        if (leaf) tree.Set(slot, 0);
        var (before, after) = (older[slot], newer[slot]);
        if (before >= 0) newer[before] = after;
        else oldest = after;
        if (after >= 0) older[after] = before;
        else newest = before;
        if (pins[slot] > 0)
        {
            deferred[slot] = true;
            deferredCount++;
        }
        else free[freeCount++] = slot;
        limiter.Deletes++;
    }

    void CheckLayout(ItemLayout layout)
    {
        if (!layout.SameAs(Layout))
            throw new ArgumentException($"the batch's layout {layout} is not the table's {Layout}");
    }

    /// <summary>Checked before the lock is taken, so a bad priority leaves the table untouched.</summary>
    void CheckPriorities(ReadOnlySpan<double> priorities, ReadOnlySpan<long> keys)
    {
        for (var i = 0; i < priorities.Length; i++)
        {
            var p = priorities[i];
            var problem = !double.IsFinite(p) || p < 0 ? "must be finite and at least 0"
                : !double.IsFinite(Options.Sampler.Weight(p)) ? $"overflows when raised to the exponent of {Options.Sampler}"
                : null;
            if (problem is not null)
                throw new ArgumentOutOfRangeException(nameof(priorities), p, string.Create(CultureInfo.InvariantCulture,
                    $"priority {p:R} at index {i}{(keys.IsEmpty ? "" : $" (key {keys[i]})")} {problem}"));
        }
    }
}
