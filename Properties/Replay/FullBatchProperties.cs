using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Replay;

/// <summary>
/// Full batches (a learner's fixed batch size): a sample waits until the rate limiter allows the whole batch, where a
/// flexible sample would return what it allows now, and a limiter that can never allow a whole batch is refused.
/// </summary>
public class FullBatchProperties
{
    // spi 0.5, min size 4, error buffer 3: samples may run at most 3 ahead of inserts * 0.5 (min_diff = 2 - 3 = -1).
    static ReplayTable Table() => new(ReplayFixtures.Options(100, limiter: RateLimiterOptions.SampleToInsertRatio(0.5, 4, 3.0)));

    static void Insert(ReplayTable table, int from, int count)
    {
        var batch = new ItemBatch(ReplayFixtures.Layout, count);
        for (var i = 0; i < count; i++) ReplayFixtures.Add(batch, from + i);
        Assert.Equal(count, table.TryInsert(batch));
    }

    [Fact]
    public async Task A_full_sample_waits_for_the_whole_batch_where_a_flexible_one_takes_part()
    {
        var (flexible, full) = (Table(), Table());
        Insert(flexible, 0, 4);
        Insert(full, 0, 4);
        // inserts * spi - samples = 2 and min_diff = -1: three samples are allowed now, not four.
        Assert.Equal(3, flexible.TrySample(new SampleBatch(ReplayFixtures.Layout, 4)));
        var sample = new SampleBatch(ReplayFixtures.Layout, 4);
        var waiting = full.SampleAsync(sample, TimeSpan.FromSeconds(10), full: true).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(0, full.Info().Counters.Samples);
        Insert(full, 4, 2); // inserts * spi = 3, so four samples keep the difference at -1
        Assert.Equal(4, await waiting);
        Assert.Equal(4, sample.Count);
        Assert.Equal(4, full.Info().Counters.Samples);
        Assert.All(sample.Weights[..4], w => Assert.InRange(w, 1e-12, 1.0));
    }

    [Fact]
    public async Task A_limiter_band_narrower_than_the_batch_is_refused_by_name()
    {
        var table = Table(); // max_diff - min_diff = 6
        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await table.SampleAsync(new SampleBatch(ReplayFixtures.Layout, 7), TimeSpan.FromSeconds(1), full: true));
        Assert.Contains("a full batch of 7 can never be allowed", error.Message);
        // A batch exactly as wide as the band is allowed once inserts * spi - 6 reaches min_diff: 10 inserts.
        var widest = Table();
        Insert(widest, 0, 10);
        Assert.Equal(6, await widest.SampleAsync(new SampleBatch(ReplayFixtures.Layout, 6), TimeSpan.FromSeconds(10), full: true));
    }

    [Fact]
    public async Task A_table_whose_items_leave_after_one_sample_refuses_batches_larger_than_its_capacity()
    {
        var table = new ReplayTable(ReplayFixtures.Options(3, Sampler.Fifo, RateLimiterOptions.MinSize(1), maxTimesSampled: 1));
        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await table.SampleAsync(new SampleBatch(ReplayFixtures.Layout, 4), TimeSpan.FromSeconds(1), full: true));
        Assert.Contains("capacity 3", error.Message);
        Insert(table, 0, 2);
        var waiting = table.SampleAsync(new SampleBatch(ReplayFixtures.Layout, 3), TimeSpan.FromSeconds(10), full: true).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted); // two items could give only two of the three samples
        Insert(table, 2, 1);
        Assert.Equal(3, await waiting);
    }
}
