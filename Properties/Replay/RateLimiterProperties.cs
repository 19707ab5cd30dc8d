using FsCheck.Xunit;
using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Replay;

/// <summary>Reverb's rate limiter: its validation, its inequalities, and waits that block instead of spinning.</summary>
public class RateLimiterProperties
{
    [Fact]
    public void Reverb_validation_errors()
    {
        Assert.Contains("min_size_to_sample (0) must be a positive integer",
            Assert.Throws<ArgumentOutOfRangeException>(() => RateLimiterOptions.SampleToInsertRatio(1, 0, 10)).Message);
        Assert.Contains("samples_per_insert (0) must be",
            Assert.Throws<ArgumentOutOfRangeException>(() => RateLimiterOptions.SampleToInsertRatio(0, 10, 10)).Message);
        // error_buffer b gives max_diff - min_diff = 2b, which must be at least 2 max(1, spi).
        Assert.Contains("The size of error_buffer must be >= max(1.0, samples_per_insert)",
            Assert.Throws<ArgumentException>(() => RateLimiterOptions.SampleToInsertRatio(4, 10, 3.9)).Message);
        _ = RateLimiterOptions.SampleToInsertRatio(4, 10, 4.0);
        Assert.Contains("above samples_per_insert * min_size_to_sample",
            Assert.Throws<ArgumentException>(() => RateLimiterOptions.SampleToInsertRatio(1, 10, (10.5, 20.0))).Message);
        Assert.Contains("min_size_to_sample (0)", Assert.Throws<ArgumentOutOfRangeException>(() => RateLimiterOptions.MinSize(0)).Message);
        Assert.Contains("queue size (0)", Assert.Throws<ArgumentOutOfRangeException>(() => RateLimiterOptions.Queue(0)).Message);
    }

    [Fact]
    public void Reverb_warns_when_the_band_is_below_spi_times_min_size()
    {
        var limiter = RateLimiterOptions.SampleToInsertRatio(1, 10, (0.0, 5.0));
        Assert.Contains("below samples_per_insert * min_size_to_sample", limiter.Warning);
        Assert.Null(RateLimiterOptions.SampleToInsertRatio(1, 10, 2.0).Warning);
        var symmetric = RateLimiterOptions.SampleToInsertRatio(2, 10, 5.0);
        Assert.Equal((2.0, 10, 15.0, 25.0), (symmetric.SamplesPerInsert, symmetric.MinSizeToSample, symmetric.MinDiff, symmetric.MaxDiff));
    }

    [Fact]
    public void Min_size_blocks_sampling_until_the_table_holds_that_many_items()
    {
        var table = new ReplayTable(ReplayFixtures.Options(10, limiter: RateLimiterOptions.MinSize(3)));
        var batch = new ItemBatch(ReplayFixtures.Layout, 1);
        var sample = new SampleBatch(ReplayFixtures.Layout, 4);
        for (var id = 0; id < 3; id++)
        {
            Assert.Equal(0, table.TrySample(sample));
            batch.Clear();
            ReplayFixtures.Add(batch, id);
            Assert.Equal(1, table.TryInsert(batch));
        }
        Assert.Equal(4, table.TrySample(sample));
    }

    [Fact]
    public void A_queue_lets_each_item_be_sampled_once_and_at_most_size_wait()
    {
        var table = new ReplayTable(ReplayFixtures.Options(10, Sampler.Fifo, RateLimiterOptions.Queue(3), maxTimesSampled: 1));
        var batch = new ItemBatch(ReplayFixtures.Layout, 5);
        for (var id = 0; id < 5; id++) ReplayFixtures.Add(batch, id);
        Assert.Equal(3, table.TryInsert(batch));
        var sample = new SampleBatch(ReplayFixtures.Layout, 2);
        Assert.Equal(2, table.TrySample(sample));
        Assert.Equal([0, 1], new[] { ReplayFixtures.IdOf(sample, 0), ReplayFixtures.IdOf(sample, 1) });
        Assert.Equal(2, table.TryInsert(batch, start: 3));
        Assert.Equal(2, table.TrySample(sample));
        Assert.Equal(1, table.TrySample(sample)); // flexible batch: only what the limiter allows
        Assert.Equal(0, table.TrySample(sample));
    }

    /// <summary>
    /// Random interleavings of inserts and samples of random sizes: samples never take inserts·spi − samples below
    /// min_diff, and it exceeds max_diff only while the table holds at most min_size items (Reverb's allowance).
    /// </summary>
    [Property(MaxTest = 100)]
    public bool The_limiter_keeps_inserts_times_spi_minus_samples_in_its_band(byte spiTenths, byte minSize, byte buffer, (bool Insert, byte Count)[] operations)
    {
        var spi = 0.5 + spiTenths % 40 / 10.0;
        var min = 1 + minSize % 20;
        var limiter = RateLimiterOptions.SampleToInsertRatio(spi, min, Math.Max(1, spi) + 0.5 + buffer % 10); // +0.5: max_diff - min_diff is computed in floating point, as in Reverb
        var table = new ReplayTable(ReplayFixtures.Options(1 + minSize % 50, limiter: limiter));
        var batch = new ItemBatch(ReplayFixtures.Layout, 16);
        var sample = new SampleBatch(ReplayFixtures.Layout, 16);
        var id = 0;
        foreach (var (insert, count) in operations)
        {
            if (insert)
            {
                batch.Clear();
                for (var i = 0; i <= count % 16; i++) ReplayFixtures.Add(batch, id++);
                table.TryInsert(batch);
            }
            else table.TrySample(sample);
            var c = table.Info().Counters;
            var diff = c.Inserts * spi - c.Samples;
            if (c.Samples > 0 && diff < limiter.MinDiff) return false;
            if (diff > limiter.MaxDiff && c.Size > min) return false;
        }
        return true;
    }

    [Fact]
    public async Task A_blocked_sample_times_out_with_the_limiter_state()
    {
        var table = new ReplayTable(ReplayFixtures.Options(10, limiter: RateLimiterOptions.MinSize(5)));
        var error = await Assert.ThrowsAsync<TimeoutException>(async () =>
            await table.SampleAsync(new SampleBatch(ReplayFixtures.Layout, 1), TimeSpan.FromMilliseconds(50)));
        Assert.Contains("sampling was blocked by the rate limiter", error.Message);
        Assert.Contains("inserts 0, samples 0, deletes 0, size 0", error.Message);
        Assert.Contains("min_size=5", error.Message);
    }

    [Fact]
    public async Task A_blocked_insert_waits_for_a_sample_and_a_cancelled_one_stops()
    {
        var table = new ReplayTable(ReplayFixtures.Options(10, Sampler.Fifo, RateLimiterOptions.Queue(1), maxTimesSampled: 1));
        var batch = new ItemBatch(ReplayFixtures.Layout, 2);
        ReplayFixtures.Add(batch, 0);
        ReplayFixtures.Add(batch, 1);
        var insert = table.InsertAsync(batch).AsTask();
        await Task.Delay(50);
        Assert.False(insert.IsCompleted);
        Assert.Equal(1, table.Size);
        var sample = new SampleBatch(ReplayFixtures.Layout, 1);
        Assert.Equal(1, await table.SampleAsync(sample, TimeSpan.FromSeconds(10)));
        await insert.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1], ReplayFixtures.HeldIds(table));

        using var cancel = new CancellationTokenSource(50);
        var blocked = new ItemBatch(ReplayFixtures.Layout, 1);
        ReplayFixtures.Add(blocked, 2);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await table.InsertAsync(blocked, cancellation: cancel.Token));
    }
}
