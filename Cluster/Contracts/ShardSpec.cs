using Pipeline.Stages.Replay;

namespace Pipeline.Cluster.Contracts;

/// <summary>One replay column as plain data: name, element type (float32, int32, uint8) and per-item shape.</summary>
[GenerateSerializer, Immutable]
public sealed record ColumnDefinition([property: Id(0)] string Name, [property: Id(1)] string Type, [property: Id(2)] int[] Shape)
{
    public static ColumnDefinition From(ColumnSpec spec) => new(spec.Name, spec.Type.ToString(), spec.Shape.ToArray());

    public ColumnSpec ToSpec() => new(Name, Enum.Parse<ElementType>(Type, ignoreCase: true), Shape);
}

/// <summary>
/// What every shard of a sharded table is: the item layout, the capacity of each shard, the sampler and the options
/// of <see cref="TableOptions"/>. Shards rate-limit only by <see cref="MinSizeToSample"/>; the samples-per-insert
/// ratio is enforced by the sampling client over all shards (see <c>ShardedReplay</c>).
/// </summary>
/// <param name="Sampler">"uniform" or "prioritized" (fifo has no meaning across shards).</param>
/// <param name="CheckpointDirectory">a directory on the silo's machine where the shard checkpoints and, when it is
/// activated again after its silo died, restores from; null: no checkpoints.</param>
[GenerateSerializer, Immutable]
public sealed record ShardSpec(
    [property: Id(0)] string Table,
    [property: Id(1)] ColumnDefinition[] Columns,
    [property: Id(2)] int CapacityPerShard,
    [property: Id(3)] string Sampler,
    [property: Id(4)] double PriorityExponent,
    [property: Id(5)] int MinSizeToSample,
    [property: Id(6)] int MaxTimesSampled,
    [property: Id(7)] long Seed,
    [property: Id(8)] string? CheckpointDirectory,
    [property: Id(9)] int Protocol = ClusterProtocol.Version)
{
    public ItemLayout Layout() => new([.. Columns.Select(c => c.ToSpec())]);

    /// <summary>The options of shard <paramref name="shard"/>'s table (its own random stream).</summary>
    public TableOptions TableOptions(int shard) => new(Layout(), CapacityPerShard,
        Sampler switch
        {
            "uniform" => Stages.Replay.Sampler.Uniform,
            "prioritized" => Stages.Replay.Sampler.Prioritized(PriorityExponent),
            _ => throw new ArgumentException($"sampler '{Sampler}' is not one a sharded table supports (uniform, prioritized)"),
        },
        RateLimiterOptions.MinSize(1), MaxTimesSampled, ImportanceExponent: 0, Seed: Seed * 1_000_003 + shard);

    /// <summary>Throws an ArgumentException naming the first bad field.</summary>
    public ShardSpec Validate()
    {
        if (string.IsNullOrWhiteSpace(Table)) throw new ArgumentException("a sharded table needs a name");
        if (Columns.Length == 0) throw new ArgumentException($"table '{Table}' has no columns");
        if (CapacityPerShard < 1) throw new ArgumentException($"table '{Table}': capacity per shard {CapacityPerShard} must be at least 1");
        if (MinSizeToSample < 1) throw new ArgumentException($"table '{Table}': min size to sample {MinSizeToSample} must be at least 1");
        if (Sampler is not ("uniform" or "prioritized")) throw new ArgumentException($"table '{Table}': sampler '{Sampler}' is not uniform or prioritized");
        if (!double.IsFinite(PriorityExponent) || PriorityExponent < 0)
            throw new ArgumentException($"table '{Table}': priority exponent {PriorityExponent} must be finite and at least 0");
        _ = Layout();
        return this;
    }
}
