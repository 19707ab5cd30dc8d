using Pipeline.Stages.Checkpoints;
using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Replay;

/// <summary>A checkpoint restores an identical table; a damaged or foreign checkpoint is refused clearly.</summary>
public class TableCheckpointTests
{
    static string Folder() => Directory.CreateTempSubdirectory("replay-ckpt-").FullName;

    static TableOptions Options(int capacity = 16) =>
        ReplayFixtures.Options(capacity, Sampler.Prioritized(0.9), RateLimiterOptions.SampleToInsertRatio(2, 4, 20), maxTimesSampled: 5, seed: 3);

    /// <summary>A table with evictions, samples, deletions by max_times_sampled and updated priorities behind it.</summary>
    static ReplayTable Used()
    {
        var table = ReplayFixtures.Filled(Options(), 10, id => id + 1);
        var sample = new SampleBatch(ReplayFixtures.Layout, 8);
        var batch = new ItemBatch(ReplayFixtures.Layout, 4);
        for (var round = 0; round < 6; round++)
        {
            table.TrySample(sample);
            table.UpdatePriorities(sample.Keys.AsSpan(0, sample.Count), Enumerable.Range(0, sample.Count).Select(i => i * 0.7).ToArray());
            batch.Clear();
            for (var k = 0; k < 4; k++) ReplayFixtures.Add(batch, 100 + round * 4 + k, k + 0.5);
            table.TryInsert(batch);
        }
        return table;
    }

    static List<(long, int, double, double)> Draw(ReplayTable table, int batches)
    {
        var sample = new SampleBatch(ReplayFixtures.Layout, 6);
        var drawn = new List<(long, int, double, double)>();
        var insert = new ItemBatch(ReplayFixtures.Layout, 2);
        for (var b = 0; b < batches; b++)
        {
            table.TrySample(sample);
            for (var i = 0; i < sample.Count; i++) drawn.Add((sample.Keys[i], ReplayFixtures.IdOf(sample, i), sample.Probabilities[i], sample.Weights[i]));
            insert.Clear();
            ReplayFixtures.Add(insert, 1000 + 2 * b);
            ReplayFixtures.Add(insert, 1001 + 2 * b);
            table.TryInsert(insert);
        }
        return drawn;
    }

    [Fact]
    public void Restore_gives_an_identical_table_and_identical_subsequent_samples()
    {
        var table = Used();
        var path = Path.Combine(Folder(), "replay.ckpt");
        table.Checkpoint(path);
        var restored = ReplayTable.Restore(path, Options());
        Assert.Equal(table.Info(), restored.Info());
        Assert.Equal(table.Keys(), restored.Keys());
        var (a, b) = (new SampleBatch(ReplayFixtures.Layout, 1), new SampleBatch(ReplayFixtures.Layout, 1));
        foreach (var key in table.Keys())
        {
            Assert.True(table.TryRead(key, a, 0, out var pa) & restored.TryRead(key, b, 0, out var pb));
            Assert.Equal((ReplayFixtures.IdOf(a, 0), pa), (ReplayFixtures.IdOf(b, 0), pb));
        }
        var expected = Draw(table, 20);
        Assert.Equal(expected, Draw(restored, 20));
        Assert.Equal(table.Info(), restored.Info());
    }

    [Fact]
    public void Restore_with_other_table_arguments_names_the_mismatch()
    {
        var path = Path.Combine(Folder(), "replay.ckpt");
        Used().Checkpoint(path);
        var error = Assert.Throws<CheckpointMismatchException>(() => ReplayTable.Restore(path, Options(capacity: 32)));
        Assert.Contains("capacity: checkpoint has 16, this table has 32", error.Message);
        var sampler = Assert.Throws<CheckpointMismatchException>(() => ReplayTable.Restore(path, Options() with { Sampler = Sampler.Uniform }));
        Assert.Contains("sampler: checkpoint has prioritized(0.9), this table has uniform", sampler.Message);
    }

    [Fact]
    public void A_corrupt_checkpoint_is_a_clear_error_and_a_failed_write_keeps_the_previous_one()
    {
        var folder = Folder();
        var path = Path.Combine(folder, "replay.ckpt");
        var table = Used();
        table.Checkpoint(path);
        var good = File.ReadAllBytes(path);

        var flipped = good.ToArray();
        flipped[flipped.Length / 2] ^= 0x40;
        var damaged = Path.Combine(folder, "damaged.ckpt");
        File.WriteAllBytes(damaged, flipped);
        Assert.Contains("checksum mismatch", Assert.Throws<CorruptCheckpointException>(() => ReplayTable.Restore(damaged, Options())).Message);
        File.WriteAllBytes(damaged, good[..(good.Length / 3)]);
        Assert.Throws<CorruptCheckpointException>(() => ReplayTable.Restore(damaged, Options()));
        File.WriteAllBytes(damaged, "not a checkpoint at all, just text long enough"u8.ToArray());
        Assert.Contains("wrong magic", Assert.Throws<CorruptCheckpointException>(() => ReplayTable.Restore(damaged, Options())).Message);

        // A write that fails (its temporary file cannot be created) leaves the previous checkpoint intact.
        Directory.CreateDirectory(path + ".tmp");
        Assert.ThrowsAny<Exception>(() => table.Checkpoint(path));
        Assert.Equal(good, File.ReadAllBytes(path));
        Assert.Equal(table.Keys(), ReplayTable.Restore(path, Options()).Keys());
    }

    [Fact]
    public async Task Checkpoints_taken_while_producers_copy_their_items_restore_whole_items()
    {
        // A checkpoint taken while producers insert holds the items they had finished and nothing half-copied.
        var options = ReplayFixtures.Options(512, Sampler.Uniform, RateLimiterOptions.MinSize(1), seed: 5);
        var table = new ReplayTable(options);
        using var stop = new CancellationTokenSource();
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            var batch = new ItemBatch(ReplayFixtures.Layout, 128);
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                batch.Clear();
                for (var k = 0; k < 128; k++) ReplayFixtures.Add(batch, p * 200_000 + (round * 128 + k) % 200_000); // ids stay exact in float payloads
                table.TryInsert(batch);
            }
        })).ToArray();
        var folder = Folder();
        while (table.Info().Counters.Inserts < 10_000) await Task.Delay(1);
        for (var c = 0; c < 100; c++)
        {
            var path = Path.Combine(folder, $"replay-{c % 2}.ckpt");
            table.Checkpoint(path);
            var restored = ReplayTable.Restore(path, options);
            var into = new SampleBatch(ReplayFixtures.Layout, 1);
            foreach (var key in restored.Keys())
            {
                Assert.True(restored.TryRead(key, into, 0, out _));
                ReplayFixtures.IdOf(into, 0); // throws when a column holds another item's bytes
            }
        }
        stop.Cancel();
        await Task.WhenAll(producers);
    }
}
