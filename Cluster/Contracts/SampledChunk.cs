namespace Pipeline.Cluster.Contracts;

/// <summary>
/// Items a shard drew (with replacement, by its own priorities): their shard-local keys, the probability each had
/// within the shard, how often each has been sampled, the shard's size and total sampling weight when it drew them,
/// and the columns' bytes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SampledChunk(
    [property: Id(0)] int Count,
    [property: Id(1)] long[] Keys,
    [property: Id(2)] double[] Probabilities,
    [property: Id(3)] int[] TimesSampled,
    [property: Id(4)] int ShardSize,
    [property: Id(5)] byte[][] Columns);

/// <summary>A shard's state: where it runs, which activation it is, its table's counters and total sampling weight.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardStatus(
    [property: Id(0)] int Shard,
    [property: Id(1)] string Silo,
    [property: Id(2)] Guid Incarnation,
    [property: Id(3)] bool Configured,
    [property: Id(4)] int Size,
    [property: Id(5)] long Inserts,
    [property: Id(6)] long Samples,
    [property: Id(7)] long Deletes,
    [property: Id(8)] double WeightTotal,
    [property: Id(9)] long SkippedPriorityUpdates,
    [property: Id(10)] int RestoredItems,
    [property: Id(11)] long RestoredInserts,
    [property: Id(12)] long CheckpointedInserts,
    [property: Id(13)] bool RestoreFailed);
