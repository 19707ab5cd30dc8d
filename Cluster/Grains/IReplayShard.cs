using Pipeline.Cluster.Contracts;

namespace Pipeline.Cluster.Grains;

/// <summary>
/// One shard of a sharded replay table (grain key: table name and shard number, e.g. "ngu/3"). A shard is a
/// <see cref="Pipeline.Stages.Replay.ReplayTable"/> in a silo's memory; it must be configured before use, and is
/// configured again (and restored from its last checkpoint, when it has a checkpoint directory) after its silo died.
/// </summary>
public interface IReplayShard : IGrainWithStringKey
{
    /// <summary>Creates the shard's table, or checks that <paramref name="spec"/> is the one it was created with.</summary>
    Task<ShardStatus> Configure(ShardSpec spec);

    /// <summary>Inserts every item of the chunk (the oldest items make room at capacity).</summary>
    Task<InsertReceipt> Insert(ItemChunk chunk);

    /// <summary>Draws <paramref name="count"/> items by the shard's priorities, with replacement; none when empty.</summary>
    Task<SampledChunk> Sample(int count);

    /// <summary>Sets priorities by shard-local key; keys no longer held are skipped. Returns how many were updated.</summary>
    Task<int> UpdatePriorities(long[] keys, double[] priorities);

    Task<ShardStatus> Status();

    /// <summary>Writes the shard's checkpoint into its checkpoint directory; returns the file's path, the inserts it holds
    /// and the activation that wrote it.</summary>
    Task<(string Path, long Inserts, Guid Incarnation)> Checkpoint();

    /// <summary>Every item held, oldest first, with its key (for tests and inspection of small tables).</summary>
    Task<(long[] Keys, ItemChunk Items)> ReadAll();
}
