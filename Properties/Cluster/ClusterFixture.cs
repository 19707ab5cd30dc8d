using Orleans.TestingHost;
using Pipeline.Cluster.Client;
using Pipeline.Cluster.Contracts;
using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Cluster;

/// <summary>Three in-process silos (Orleans' in-memory transport) shared by the cluster tests; each test uses its own table.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public static InProcessTestCluster Build(short silos)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        return builder.Build();
    }

    public async Task InitializeAsync()
    {
        Cluster = Build(3);
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Items with an int "id" column (one value) and a float "x" column of two values.</summary>
    public static ShardSpec Spec(string table, int capacityPerShard, string sampler = "prioritized", double exponent = 1.0, string? checkpoints = null) =>
        new(table, [new ColumnDefinition("id", "Int32", [1]), new ColumnDefinition("x", "Float32", [2])], capacityPerShard, sampler, exponent,
            MinSizeToSample: 1, MaxTimesSampled: 0, Seed: 7, checkpoints);

    public static ItemBatch Items(ItemLayout layout, IEnumerable<(int Id, double Priority)> items)
    {
        var list = items.ToList();
        var batch = new ItemBatch(layout, Math.Max(1, list.Count));
        foreach (var (id, priority) in list)
        {
            var i = batch.Add(priority);
            batch.Ints("id")[i] = id;
            batch.Floats("x")[2 * i] = id;
            batch.Floats("x")[2 * i + 1] = -id;
        }
        return batch;
    }

    /// <summary>The ids held by every shard, with the table-wide keys.</summary>
    public static async Task<List<(long Key, int Id, double Priority)>> Held(ShardedReplay replay)
    {
        var held = new List<(long, int, double)>();
        for (var s = 0; s < replay.Options.Shards; s++)
        {
            var (keys, items) = await replay.ReadShardAsync(s);
            var batch = new ItemBatch(replay.Layout, Math.Max(1, items.Count));
            items.CopyTo(batch);
            for (var i = 0; i < keys.Length; i++) held.Add((keys[i], batch.Ints("id")[i], batch.Priorities[i]));
        }
        return held;
    }
}

[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;
