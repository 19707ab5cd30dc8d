using FsCheck.Xunit;
using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Replay;

/// <summary>Sampling follows priority^exponent; importance weights, deletion after max_times_sampled and bad priorities.</summary>
public class SamplingProperties
{
    [Fact]
    public void Sampling_frequencies_match_priority_to_the_exponent()
    {
        // 8 items, priorities 1..8, exponent 0.9, 200,000 draws. Chi-square with 7 degrees of freedom: 29.88 is
        // exceeded with probability 1e-4 under the right distribution (false-failure rate 1e-4 for a random seed;
        // the seed is fixed, so the test is deterministic). A sampler that ignored the exponent (exponent 1)
        // expects a chi-square of about 440 here, so the test can fail.
        const int items = 8, draws = 200_000;
        const double exponent = 0.9;
        var table = ReplayFixtures.Filled(ReplayFixtures.Options(items, Sampler.Prioritized(exponent), seed: 42), items, id => id + 1);
        var counts = new long[items];
        var batch = new SampleBatch(ReplayFixtures.Layout, 100);
        for (var drawn = 0; drawn < draws; drawn += batch.Count)
        {
            Assert.Equal(100, table.TrySample(batch));
            for (var i = 0; i < batch.Count; i++) counts[ReplayFixtures.IdOf(batch, i)]++;
        }
        var weights = Enumerable.Range(1, items).Select(p => Math.Pow(p, exponent)).ToArray();
        var chiSquare = weights.Select((w, i) => draws * w / weights.Sum()).Select((e, i) => (counts[i] - e) * (counts[i] - e) / e).Sum();
        Assert.True(chiSquare < 29.88, $"chi-square {chiSquare:F2} over 29.88 (p < 1e-4); counts {string.Join(", ", counts)}");
    }

    [Property(MaxTest = 100)]
    public bool Importance_weights_are_in_zero_one_with_a_maximum_of_exactly_one(uint[] rawPriorities, byte batchSize, uint seed)
    {
        if (rawPriorities.Length == 0) return true;
        var priorities = rawPriorities.Select(r => r % 10_000 / 100.0 + 1e-3).ToArray();
        var table = ReplayFixtures.Filled(ReplayFixtures.Options(priorities.Length, seed: seed), priorities.Length, id => priorities[id]);
        var batch = new SampleBatch(ReplayFixtures.Layout, 1 + batchSize % 64);
        table.TrySample(batch);
        var weights = batch.Weights.AsSpan(0, batch.Count).ToArray();
        var n = batch.TableSize;
        // w_i ∝ (N P(i))^-0.6, normalised by the batch's largest.
        var raw = batch.Probabilities.Take(batch.Count).Select(p => Math.Pow(n * p, -0.6)).ToArray();
        return batch.Count == batch.Capacity
            && weights.All(w => w > 0 && w <= 1)
            && weights.Max() == 1.0
            && weights.Select((w, i) => Math.Abs(w - raw[i] / raw.Max())).All(d => d < 1e-12);
    }

    [Fact]
    public void Uniform_sampling_gives_probability_one_over_n_and_weights_of_one()
    {
        var table = ReplayFixtures.Filled(ReplayFixtures.Options(10, Sampler.Uniform), 10, id => id * 3.0);
        var batch = new SampleBatch(ReplayFixtures.Layout, 32);
        Assert.Equal(32, table.TrySample(batch));
        Assert.All(batch.Probabilities.Take(32), p => Assert.Equal(0.1, p, 12));
        Assert.All(batch.Weights.Take(32), w => Assert.Equal(1.0, w));
    }

    [Fact]
    public void An_item_sampled_max_times_sampled_times_is_deleted_and_counted()
    {
        var table = ReplayFixtures.Filled(ReplayFixtures.Options(4, Sampler.Fifo, maxTimesSampled: 2), 4);
        var batch = new SampleBatch(ReplayFixtures.Layout, 5);
        Assert.Equal(5, table.TrySample(batch));
        // Fifo: the oldest twice, then the next oldest twice, then the third once.
        Assert.Equal([0, 0, 1, 1, 2], Enumerable.Range(0, 5).Select(i => ReplayFixtures.IdOf(batch, i)));
        Assert.Equal([1, 2, 1, 2, 1], batch.TimesSampled.Take(5));
        var info = table.Info();
        Assert.Equal(2, info.Size);
        Assert.Equal(new LimiterCounters(4, 5, 2), info.Counters);
        Assert.Equal([2, 3], ReplayFixtures.HeldIds(table));
    }

    [Fact]
    public void At_capacity_the_oldest_item_makes_room()
    {
        var table = ReplayFixtures.Filled(ReplayFixtures.Options(3), 5);
        Assert.Equal([2, 3, 4], ReplayFixtures.HeldIds(table));
        Assert.Equal(new LimiterCounters(5, 0, 2), table.Info().Counters);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.5)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e308)] // finite, but its square overflows with exponent 2
    public void A_bad_priority_is_a_clear_error_and_changes_nothing(double bad)
    {
        var table = ReplayFixtures.Filled(ReplayFixtures.Options(4, Sampler.Prioritized(2)), 2);
        var before = table.Info();
        var batch = new ItemBatch(ReplayFixtures.Layout, 2);
        ReplayFixtures.Add(batch, 10);
        ReplayFixtures.Add(batch, 11, bad);
        var insert = Assert.Throws<ArgumentOutOfRangeException>(() => table.TryInsert(batch));
        Assert.Contains("at index 1", insert.Message);
        var update = Assert.Throws<ArgumentOutOfRangeException>(() => table.UpdatePriorities([0, 1], [1.0, bad]));
        Assert.Contains("(key 1)", update.Message);
        Assert.Equal(before, table.Info());
    }

    [Fact]
    public void Priority_updates_for_evicted_keys_are_skipped_and_counted()
    {
        var table = ReplayFixtures.Filled(ReplayFixtures.Options(2), 2);
        var evicted = table.Keys();
        var batch = new ItemBatch(ReplayFixtures.Layout, 2);
        ReplayFixtures.Add(batch, 2);
        ReplayFixtures.Add(batch, 3);
        table.TryInsert(batch);
        var newest = table.Keys()[^1];
        Assert.True(evicted.All(k => k < newest), "keys increase with every insert");
        Assert.Equal(1, table.UpdatePriorities([evicted[0], evicted[1], newest], [5.0, 5.0, 5.0]));
        Assert.Equal(2, table.Info().SkippedPriorityUpdates);
        var into = new SampleBatch(ReplayFixtures.Layout, 1);
        Assert.True(table.TryRead(newest, into, 0, out var priority));
        Assert.Equal(3, ReplayFixtures.IdOf(into, 0));
        Assert.Equal(5.0, priority);
    }

    [Fact]
    public void All_zero_priorities_sample_uniformly()
    {
        var table = ReplayFixtures.Filled(ReplayFixtures.Options(4), 4, _ => 0.0);
        var batch = new SampleBatch(ReplayFixtures.Layout, 400);
        Assert.Equal(400, table.TrySample(batch));
        var counts = batch.Keys.Take(400).CountBy(k => k).ToDictionary();
        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 60, 140)); // binomial(400, 1/4): sd 8.7, bounds at 4.6 sd
        Assert.All(batch.Weights.Take(400), w => Assert.Equal(1.0, w));
    }

    [Fact]
    public void The_r2d2_sequence_priority_mixes_max_and_mean_and_ignores_padding()
    {
        Assert.Equal(0.9 * 4 + 0.1 * 2.5, SequencePriority.Mixed([1.0, -4.0, 2.0, 3.0]), 12);
        Assert.Equal(0.9 * 2 + 0.1 * 1.5, SequencePriority.Mixed([1.0, -2.0, 99.0], [1f, 1f, 0f]), 12);
        Assert.Equal(0.0, SequencePriority.Mixed([5.0], [0f]));
    }
}
