using Pipeline.Stages.Replay;

namespace Pipeline.Cluster.Contracts;

/// <summary>
/// Items on the wire: <see cref="Count"/> items, each column's bytes for all of them back to back (the layout of a
/// <see cref="ColumnBlock"/>), and their priorities. <see cref="Producer"/> and <see cref="Sequence"/> name the chunk
/// in error reports.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ItemChunk(
    [property: Id(0)] string Producer,
    [property: Id(1)] long Sequence,
    [property: Id(2)] int Count,
    [property: Id(3)] double[] Priorities,
    [property: Id(4)] byte[][] Columns)
{
    /// <summary>Copies the first <see cref="ItemBatch.Count"/> items of <paramref name="batch"/>.</summary>
    public static ItemChunk From(ItemBatch batch, string producer, long sequence) =>
        new(producer, sequence, batch.Count, batch.Priorities[..batch.Count], ColumnBytes(batch, 0, batch.Count));

    internal static byte[][] ColumnBytes(ColumnBlock block, int first, int count) =>
        [.. Enumerable.Range(0, block.Layout.Columns.Count).Select(c => block.Raw(c, first, count).ToArray())];

    /// <summary>Copies the items into <paramref name="batch"/> (cleared first); throws if the bytes do not fit its layout.</summary>
    public void CopyTo(ItemBatch batch)
    {
        CheckFits(batch.Layout, batch.Capacity);
        batch.Clear();
        for (var i = 0; i < Count; i++) batch.Add(Priorities[i]);
        for (var c = 0; c < Columns.Length; c++) Columns[c].CopyTo(batch.Raw(c, 0, Count));
    }

    /// <summary>Names what is wrong when the chunk's shape does not match <paramref name="layout"/>.</summary>
    public void CheckFits(ItemLayout layout, int capacity)
    {
        if (Count < 0 || Count > capacity) throw new ArgumentException($"chunk {Producer}#{Sequence} has {Count} items; at most {capacity} fit");
        if (Priorities.Length != Count) throw new ArgumentException($"chunk {Producer}#{Sequence} has {Count} items but {Priorities.Length} priorities");
        if (Columns.Length != layout.Columns.Count)
            throw new ArgumentException($"chunk {Producer}#{Sequence} has {Columns.Length} columns; the table's layout {layout} has {layout.Columns.Count}");
        for (var c = 0; c < Columns.Length; c++)
        {
            var spec = layout.Columns[c];
            var expected = (long)Count * spec.Size * spec.ElementBytes;
            if (Columns[c].Length != expected)
                throw new ArgumentException($"chunk {Producer}#{Sequence}: column '{spec.Name}' has {Columns[c].Length} bytes; {Count} items of {spec} need {expected}");
        }
    }
}

/// <summary>
/// What a shard did with a chunk: which activation took it, how many items, the shard's insert count after them (so
/// the chunk's items are inserts InsertedByShard - Accepted + 1 .. InsertedByShard), the inserts that activation
/// restored from a checkpoint when it started, and the inserts its last checkpoint holds.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record InsertReceipt(
    [property: Id(0)] Guid Incarnation,
    [property: Id(1)] int Accepted,
    [property: Id(2)] long InsertedByShard,
    [property: Id(3)] long RestoredInserts,
    [property: Id(4)] long CheckpointedInserts,
    [property: Id(5)] bool RestoreFailed);
