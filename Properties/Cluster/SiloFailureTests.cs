using System.Diagnostics;
using Pipeline.Cluster.Client;
using Pipeline.Stages.Replay;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.Properties.Cluster;

/// <summary>Kills a silo mid-run (its own cluster, so the shared one stays whole).</summary>
public sealed class SiloFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_killed_silo_loses_only_items_the_client_reports_lost()
    {
        await using var cluster = ClusterFixture.Build(3);
        await cluster.DeployAsync();
        var replay = await ShardedReplay.ConnectAsync(cluster.Client, ClusterFixture.Spec("failure", 1000),
            new ShardedReplayOptions(6, RateLimiterOptions.MinSize(1), Seed: 3));
        var statuses = await replay.StatusAsync();
        var victim = cluster.Silos.Skip(1).First(s => statuses.Any(st => st.Silo.Contains(s.SiloAddress.ToString(), StringComparison.Ordinal)
            || st.Silo.Contains(s.SiloAddress.Endpoint.ToString(), StringComparison.Ordinal)));
        var produced = 0;
        async Task Insert(int chunks)
        {
            for (var c = 0; c < chunks; c++, produced += 2)
            {
                using var batch = ClusterFixture.Items(replay.Layout, [(produced, 1.0), (produced + 1, 1.0)]);
                await replay.InsertAsync(batch);
            }
        }
        await Insert(60);
        Assert.Equal(produced, replay.Accounting.Acknowledged);
        await cluster.KillSiloAsync(victim);
        var clock = Stopwatch.StartNew();
        while (replay.Accounting.ShardRestarts == 0 && clock.Elapsed < TimeSpan.FromSeconds(90)) await Insert(6);
        await Insert(30);
        statuses = await replay.StatusAsync();
        var accounting = replay.Accounting;
        output.WriteLine($"{accounting} after {clock.Elapsed.TotalSeconds:F1} s; produced {produced}");
        Assert.True(accounting.ShardRestarts >= 1, "no shard of the killed silo came back elsewhere");
        Assert.True(accounting.LostWithShards > 0, "the killed silo's shards held acknowledged items");
        // Every item is in exactly one of the client's buckets.
        Assert.Equal(produced, accounting.Acknowledged + accounting.LostInFlight + accounting.LostWithShards);
        // The shards hold (or evicted) what was acknowledged, plus at most the in-flight items that landed anyway.
        Assert.InRange(statuses.Sum(s => s.Inserts), accounting.Acknowledged, accounting.Acknowledged + accounting.LostInFlight);
        var held = await ClusterFixture.Held(replay);
        Assert.Equal(statuses.Sum(s => s.Inserts - s.Deletes), held.Count);
        Assert.Equal(held.Count, held.Select(h => h.Id).Distinct().Count());
        Assert.All(held, h => Assert.InRange(h.Id, 0, produced - 1));
        Assert.DoesNotContain(statuses, s => s.Silo.Contains(victim.SiloAddress.Endpoint.ToString(), StringComparison.Ordinal));
    }
}
