using System.Threading.Tasks.Dataflow;
using FsCheck.Xunit;
using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Replay;

/// <summary>Streaming-store copies (large tables' inserts) write exactly the bytes an ordinary copy would.</summary>
public class StreamingInsertProperties
{
    [Property(MaxTest = 300)]
    public bool A_streaming_copy_writes_exactly_the_source_bytes(ushort length, byte sourceOffset, byte destinationOffset)
    {
        var n = length % 5000;
        var (from, to) = (sourceOffset % 64, destinationOffset % 64);
        var source = new byte[n + 64];
        new Random(length).NextBytes(source);
        var destination = new byte[n + 128];
        Array.Fill(destination, (byte)0xAB);
        StreamingCopy.Copy(source.AsSpan(from, n), destination.AsSpan(to, n));
        return destination.AsSpan(to, n).SequenceEqual(source.AsSpan(from, n))
            && destination.AsSpan(0, to).IndexOfAnyExcept((byte)0xAB) < 0
            && destination.AsSpan(to + n).IndexOfAnyExcept((byte)0xAB) < 0;
    }

    [Fact]
    public void Copies_of_different_lengths_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => StreamingCopy.Copy(new byte[10], new byte[11]));
        Assert.Contains("10 bytes into 11", e.Message);
    }

    static readonly ItemLayout Frames = new(new ColumnSpec("id", ElementType.Int32), new ColumnSpec("frame", ElementType.UInt8, 84, 84));

    /// <summary>
    /// A 71 MB table (so it streams) filled past its capacity by batches of random sizes while samples pin items:
    /// runs of consecutive slots break at the wrap-around and at slots freed out of order, and every held item still
    /// has the frame its id was inserted with.
    /// </summary>
    [Fact]
    public void A_large_table_holds_every_frame_as_inserted()
    {
        const int capacity = 10_000;
        var table = new ReplayTable(new TableOptions(Frames, capacity, Sampler.Uniform, RateLimiterOptions.MinSize(1), MaxTimesSampled: 1, Seed: 3));
        Assert.True(table.StreamsInserts);
        var random = new Random(5);
        var batch = new ItemBatch(Frames, 300);
        var drawn = new SampleBatch(Frames, 50);
        var id = 0;
        while (id < 2 * capacity + 1234)
        {
            batch.Clear();
            for (var k = random.Next(1, 301); k > 0; k--)
            {
                var i = batch.Add();
                batch.Item<int>(0, i)[0] = id;
                FrameOf(id++, batch.Item<byte>(1, i));
            }
            Assert.Equal(batch.Count, table.TryInsert(batch));
            table.TrySample(drawn); // deletes what it draws (max times sampled 1): free slots out of insertion order
            for (var i = 0; i < drawn.Count; i++) Assert.True(HasFrameOfItsId(drawn, i) && IsInsertNumber(drawn.Keys[i], drawn, i, capacity));
        }
        var into = new SampleBatch(Frames, 1);
        var keys = table.Keys();
        Assert.True(keys.Length > capacity / 2);
        foreach (var key in keys)
        {
            Assert.True(table.TryRead(key, into, 0, out _));
            Assert.True(HasFrameOfItsId(into, 0) && IsInsertNumber(key, into, 0, capacity), $"key {key}");
        }
    }

    /// <summary>Ids count inserts here, and a key is insert number x capacity + slot: the item is the one inserted there, not an older or a neighbouring one.</summary>
    static bool IsInsertNumber(long key, ColumnBlock block, int i, int capacity) => key / capacity == block.Item<int>(0, i)[0];

    /// <summary>
    /// Three producers stream into the large table through its Dataflow writer while a consumer samples (deleting
    /// items drawn twice, so slots are freed while pinned and out of order): every frame sampled or held at the end is
    /// the one its id was inserted with, and the table's counters account for every insert.
    /// </summary>
    [Fact]
    public async Task Concurrent_streaming_inserts_and_samples_keep_every_frame_intact()
    {
        const int capacity = 10_000, perProducer = 12_000;
        var table = new ReplayTable(new TableOptions(Frames, capacity, Sampler.Prioritized(0.9), RateLimiterOptions.MinSize(1), MaxTimesSampled: 2, Seed: 4));
        Assert.True(table.StreamsInserts);
        var writer = table.Writer(capacity: 4);
        var pool = BatchPool.Items(Frames, 97);
        var producing = Enumerable.Range(0, 3).Select(p => Task.Run(async () =>
        {
            var batch = pool.Rent();
            for (var k = 0; k < perProducer; k++)
            {
                var i = batch.Add(1 + k % 3);
                batch.Item<int>(0, i)[0] = p * 1_000_000 + k;
                FrameOf(p * 1_000_000 + k, batch.Item<byte>(1, i));
                if (!batch.IsFull && k < perProducer - 1) continue;
                Assert.True(await writer.SendAsync(batch));
                batch = pool.Rent();
            }
            batch.Dispose();
        })).ToArray();
        using var stop = new CancellationTokenSource();
        var torn = 0;
        var sampling = Task.Run(() =>
        {
            var drawn = new SampleBatch(Frames, 64);
            while (!stop.IsCancellationRequested)
                for (var n = table.TrySample(drawn); n > 0; n = 0)
                    for (var i = 0; i < n; i++)
                        if (!HasFrameOfItsId(drawn, i)) Interlocked.Increment(ref torn);
        });
        await Task.WhenAll(producing);
        writer.Complete();
        await writer.Completion;
        stop.Cancel();
        await sampling;
        Assert.Equal(0, torn);
        var into = new SampleBatch(Frames, 1);
        foreach (var key in table.Keys())
        {
            Assert.True(table.TryRead(key, into, 0, out _));
            Assert.True(HasFrameOfItsId(into, 0), $"key {key}");
        }
        var counters = table.Info().Counters;
        Assert.Equal(3L * perProducer, counters.Inserts);
        Assert.Equal(counters.Inserts - counters.Deletes, table.Size);
    }

    static void FrameOf(int id, Span<byte> frame)
    {
        for (var k = 0; k < frame.Length; k++) frame[k] = (byte)(id * 31 + k * 7);
    }

    static bool HasFrameOfItsId(ColumnBlock block, int i)
    {
        Span<byte> expected = stackalloc byte[84 * 84];
        FrameOf(block.Item<int>(0, i)[0], expected);
        return block.Item<byte>(1, i).SequenceEqual(expected);
    }
}
