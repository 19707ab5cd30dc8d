using Pipeline.Stages.Replay;

namespace Pipeline.Properties.Replay;

/// <summary>Small tables whose items carry an id, so tests can follow every item.</summary>
static class ReplayFixtures
{
    /// <summary>id (int), payload 16 floats derived from the id, a byte; enough columns to catch mixed-up copies.</summary>
    public static readonly ItemLayout Layout = new(
        new ColumnSpec("id", ElementType.Int32),
        new ColumnSpec("payload", ElementType.Float32, 4, 4),
        new ColumnSpec("tag", ElementType.UInt8, 3));

    public static TableOptions Options(int capacity, Sampler? sampler = null, RateLimiterOptions? limiter = null, int maxTimesSampled = 0, long seed = 7) =>
        new(Layout, capacity, sampler ?? Sampler.Prioritized(0.9), limiter ?? RateLimiterOptions.MinSize(1), maxTimesSampled, 0.6, seed);

    /// <summary>Adds item <paramref name="id"/> to <paramref name="batch"/> with its derived payload.</summary>
    public static void Add(ItemBatch batch, int id, double priority = 1.0)
    {
        var i = batch.Add(priority);
        batch.Item<int>(0, i)[0] = id;
        var payload = batch.Item<float>(1, i);
        for (var k = 0; k < payload.Length; k++) payload[k] = id * 16 + k;
        batch.Item<byte>(2, i).Fill((byte)(id % 251));
    }

    /// <summary>The id of item <paramref name="i"/>, after checking its other columns are the ones that id was inserted with.</summary>
    public static int IdOf(ColumnBlock block, int i)
    {
        var id = block.Item<int>(0, i)[0];
        var payload = block.Item<float>(1, i);
        for (var k = 0; k < payload.Length; k++)
            if (payload[k] != id * 16 + k) throw new InvalidOperationException($"item {i} (id {id}) has payload[{k}] = {payload[k]}");
        foreach (var b in block.Item<byte>(2, i))
            if (b != (byte)(id % 251)) throw new InvalidOperationException($"item {i} (id {id}) has tag {b}");
        return id;
    }

    /// <summary>Ids of the items held, oldest first.</summary>
    public static int[] HeldIds(ReplayTable table)
    {
        var into = new SampleBatch(Layout, 1);
        return table.Keys().Select(k => table.TryRead(k, into, 0, out _) ? IdOf(into, 0) : throw new InvalidOperationException($"key {k} vanished")).ToArray();
    }

    public static ReplayTable Filled(TableOptions options, int count, Func<int, double>? priority = null)
    {
        var table = new ReplayTable(options);
        var batch = new ItemBatch(Layout, Math.Max(1, count));
        for (var id = 0; id < count; id++) Add(batch, id, priority?.Invoke(id) ?? 1.0);
        if (table.TryInsert(batch) != count) throw new InvalidOperationException("the limiter refused the fixture's inserts");
        return table;
    }
}
