using System.Threading.Tasks.Dataflow;
using Pipeline.Cluster.Client;
using Pipeline.Cluster.Contracts;
using Pipeline.Cluster.Grains;
using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Cluster;

[Collection("cluster")]
public sealed class ShardedReplayTests(ClusterFixture fixture)
{
    static ShardedReplayOptions Options(int shards, int minSize = 1, long seed = 1) =>
        new(shards, RateLimiterOptions.MinSize(minSize), ImportanceExponent: 0.6, Seed: seed);

    [Fact]
    public async Task Shards_spread_over_the_silos()
    {
        var replay = await ShardedReplay.ConnectAsync(fixture.Cluster.Client, ClusterFixture.Spec("spread", 8), Options(6));
        var silos = (await replay.StatusAsync()).Select(s => s.Silo).Distinct().Count();
        Assert.True(silos >= 2, $"6 shards landed on {silos} silo(s) of 3");
    }

    [Fact]
    public async Task Sampling_across_shards_follows_the_global_priority_distribution()
    {
        var replay = await ShardedReplay.ConnectAsync(fixture.Cluster.Client, ClusterFixture.Spec("chi-square", 64), Options(4));
        const int items = 24;
        // Round-robin puts items 0,4,8.. in one shard: priorities chosen so the shards' totals differ a lot.
        for (var i = 0; i < items; i++)
        {
            using var batch = ClusterFixture.Items(replay.Layout, [(i, 1 + i % 7 + (i % 4 == 0 ? 10 : 0))]);
            await replay.InsertAsync(batch);
        }
        var held = await ClusterFixture.Held(replay);
        var total = held.Sum(h => h.Priority);
        var expected = held.ToDictionary(h => h.Id, h => h.Priority / total);
        var counts = new Dictionary<int, int>();
        using var sample = new SampleBatch(replay.Layout, 64);
        const int batches = 150;
        for (var b = 0; b < batches; b++)
        {
            Assert.Equal(64, await replay.SampleAsync(sample));
            Assert.Equal(items, sample.TableSize);
            for (var i = 0; i < sample.Count; i++)
            {
                var id = sample.Ints("id")[i];
                Assert.Equal(id, sample.Floats("x")[2 * i]);
                // The probability reported is exactly the item's share of the whole table's priority.
                Assert.Equal(expected[id], sample.Probabilities[i], 12);
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }
        var n = 64.0 * batches;
        var chi2 = expected.Sum(e => Math.Pow(counts.GetValueOrDefault(e.Key) - n * e.Value, 2) / (n * e.Value));
        // 23 degrees of freedom: P(chi2 > 49.7) = 0.001.
        Assert.True(chi2 < 49.7, $"chi-square {chi2:F1} with 23 degrees of freedom");
    }

    [Fact]
    public async Task Importance_weights_use_the_whole_table()
    {
        var replay = await ShardedReplay.ConnectAsync(fixture.Cluster.Client, ClusterFixture.Spec("weights", 16), Options(2));
        using (var a = ClusterFixture.Items(replay.Layout, [(1, 1.0)])) await replay.InsertAsync(a);
        using (var b = ClusterFixture.Items(replay.Layout, [(2, 3.0)])) await replay.InsertAsync(b);
        using var sample = new SampleBatch(replay.Layout, 200);
        await replay.SampleAsync(sample);
        var ids = Enumerable.Range(0, sample.Count).Select(i => sample.Ints("id")[i]).ToArray();
        Assert.Contains(1, ids);
        Assert.Contains(2, ids);
        // w = (N P)^-0.6 with N = 2, P = 1/4 and 3/4; normalised by the largest (item 1's).
        var ratio = Math.Pow(2 * 0.75, -0.6) / Math.Pow(2 * 0.25, -0.6);
        for (var i = 0; i < sample.Count; i++)
            Assert.Equal(ids[i] == 1 ? 1.0 : ratio, sample.Weights[i], 12);
    }

    [Fact]
    public async Task Priority_updates_reach_the_right_shard()
    {
        var replay = await ShardedReplay.ConnectAsync(fixture.Cluster.Client, ClusterFixture.Spec("updates", 16), Options(3));
        for (var i = 0; i < 6; i++)
        {
            using var batch = ClusterFixture.Items(replay.Layout, [(i, 1.0)]);
            await replay.InsertAsync(batch);
        }
        var held = await ClusterFixture.Held(replay);
        var only = held.Single(h => h.Id == 4).Key;
        Assert.Equal(6, await replay.UpdatePrioritiesAsync([.. held.Select(h => h.Key)], [.. held.Select(h => h.Key == only ? 5.0 : 0.0)]));
        using var sample = new SampleBatch(replay.Layout, 32);
        await replay.SampleAsync(sample);
        Assert.All(Enumerable.Range(0, sample.Count), i => Assert.Equal(4, sample.Ints("id")[i]));
        Assert.All(Enumerable.Range(0, sample.Count), i => Assert.Equal(only, sample.Keys[i]));
    }

    [Fact]
    public async Task Inserts_from_many_producers_are_all_accounted_for()
    {
        const int producers = 8, chunks = 25, perChunk = 3, capacity = 30, shards = 4;
        var spec = ClusterFixture.Spec("producers", capacity);
        var clients = await Task.WhenAll(Enumerable.Range(0, producers).Select(p => ShardedReplay.ConnectAsync(fixture.Cluster.Client, spec, Options(shards, seed: p))));
        await Task.WhenAll(clients.Select((replay, p) => Task.Run(async () =>
        {
            var writer = replay.Writer();
            for (var c = 0; c < chunks; c++)
            {
                var batch = ClusterFixture.Items(replay.Layout, Enumerable.Range(0, perChunk).Select(k => ((p * chunks + c) * perChunk + k, 1.0)));
                Assert.True(await writer.SendAsync(batch));
            }
            writer.Complete();
            await writer.Completion;
        })));
        const int produced = producers * chunks * perChunk;
        Assert.Equal(produced, clients.Sum(c => c.Accounting.Acknowledged));
        Assert.All(clients, c => Assert.Equal(0, c.Accounting.Lost));
        var statuses = await clients[0].StatusAsync();
        Assert.Equal(produced, statuses.Sum(s => s.Inserts));
        var held = await ClusterFixture.Held(clients[0]);
        // Present or evicted (oldest first): every shard is full, and what it dropped is exactly its deletes.
        Assert.Equal(produced, held.Count + statuses.Sum(s => s.Deletes));
        Assert.All(statuses, s => Assert.Equal(capacity, s.Size));
        Assert.Equal(held.Count, held.Select(h => h.Id).Distinct().Count());
        Assert.All(held, h => Assert.InRange(h.Id, 0, produced - 1));
    }

    [Fact]
    public async Task A_chunk_that_does_not_fit_the_layout_is_refused_and_nothing_is_inserted()
    {
        var replay = await ShardedReplay.ConnectAsync(fixture.Cluster.Client, ClusterFixture.Spec("bad-chunk", 8), Options(1));
        var shard = fixture.Cluster.Client.GetGrain<IReplayShard>(ShardedReplay.ShardName("bad-chunk", 0));
        var bad = new ItemChunk("test", 1, 2, [1.0, 1.0], [new byte[8], new byte[12]]);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => shard.Insert(bad));
        Assert.Contains("column 'x'", error.Message);
        Assert.Equal(0, (await replay.StatusAsync())[0].Size);
    }

    [Fact]
    public async Task A_shard_configured_differently_says_how()
    {
        await ShardedReplay.ConnectAsync(fixture.Cluster.Client, ClusterFixture.Spec("mismatch", 8), Options(1));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ShardedReplay.ConnectAsync(fixture.Cluster.Client, ClusterFixture.Spec("mismatch", 9), Options(1)));
        Assert.Contains("capacity 8", error.Message);
        Assert.Contains("capacity 9", error.Message);
    }

    [Fact]
    public async Task A_restarted_shard_restores_its_checkpoint_and_reports_what_came_after_as_lost()
    {
        var directory = Directory.CreateTempSubdirectory("pipeline-shard-").FullName;
        try
        {
            var replay = await ShardedReplay.ConnectAsync(fixture.Cluster.Client, ClusterFixture.Spec("restart", 32, checkpoints: directory), Options(1));
            using (var first = ClusterFixture.Items(replay.Layout, Enumerable.Range(0, 5).Select(i => (i, 1.0 + i)))) await replay.InsertAsync(first);
            await replay.CheckpointAsync();
            using (var later = ClusterFixture.Items(replay.Layout, Enumerable.Range(5, 3).Select(i => (i, 1.0)))) await replay.InsertAsync(later);
            var shard = fixture.Cluster.Client.GetGrain<IReplayShard>(ShardedReplay.ShardName("restart", 0));
            await fixture.Cluster.DeactivateAsync(shard); // what a silo's death does to its shards
            var status = (await replay.StatusAsync())[0];
            Assert.Equal(5, status.RestoredItems);
            Assert.Equal(new ReplayAccounting(5, 0, 3, 1), replay.Accounting);
            var held = await ClusterFixture.Held(replay);
            Assert.Equal([0, 1, 2, 3, 4], held.Select(h => h.Id));
            Assert.Equal([1.0, 2, 3, 4, 5], held.Select(h => h.Priority));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task After_a_restart_every_client_counts_its_own_losses_whoever_reaches_the_shard_first()
    {
        var spec = ClusterFixture.Spec("two-clients", 64);
        var a = await ShardedReplay.ConnectAsync(fixture.Cluster.Client, spec, Options(1, seed: 1));
        var b = await ShardedReplay.ConnectAsync(fixture.Cluster.Client, spec, Options(1, seed: 2));
        using (var batch = ClusterFixture.Items(a.Layout, [(1, 1.0), (2, 1.0), (3, 1.0)])) await a.InsertAsync(batch);
        using (var batch = ClusterFixture.Items(b.Layout, [(4, 1.0)])) await b.InsertAsync(batch);
        await fixture.Cluster.DeactivateAsync(fixture.Cluster.Client.GetGrain<IReplayShard>(ShardedReplay.ShardName("two-clients", 0)));
        // B reaches the new activation first (and configures it); A learns of the restart from its next receipt.
        using (var batch = ClusterFixture.Items(b.Layout, [(5, 1.0), (6, 1.0)])) await b.InsertAsync(batch);
        using (var batch = ClusterFixture.Items(a.Layout, [(7, 1.0)])) await a.InsertAsync(batch);
        Assert.Equal(new ReplayAccounting(1, 0, 3, 1), a.Accounting);
        Assert.Equal(new ReplayAccounting(2, 0, 1, 1), b.Accounting);
        Assert.Equal([5, 6, 7], (await ClusterFixture.Held(a)).Select(h => h.Id).Order());
    }

    [Fact]
    public async Task A_damaged_shard_checkpoint_is_set_aside_and_everything_before_it_counts_as_lost()
    {
        var directory = Directory.CreateTempSubdirectory("pipeline-shard-").FullName;
        try
        {
            var replay = await ShardedReplay.ConnectAsync(fixture.Cluster.Client, ClusterFixture.Spec("damaged", 32, checkpoints: directory), Options(1));
            using (var first = ClusterFixture.Items(replay.Layout, Enumerable.Range(0, 5).Select(i => (i, 1.0)))) await replay.InsertAsync(first);
            var path = (await replay.CheckpointAsync())[0];
            var bytes = await File.ReadAllBytesAsync(path);
            bytes[bytes.Length / 2] ^= 0xFF;
            await File.WriteAllBytesAsync(path, bytes);
            await fixture.Cluster.DeactivateAsync(fixture.Cluster.Client.GetGrain<IReplayShard>(ShardedReplay.ShardName("damaged", 0)));
            var status = (await replay.StatusAsync())[0];
            Assert.True(status.RestoreFailed);
            Assert.Equal(0, status.Size);
            Assert.Equal(new ReplayAccounting(0, 0, 5, 1), replay.Accounting);
            Assert.True(File.Exists(path + ".bad"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
