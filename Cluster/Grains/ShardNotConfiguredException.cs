namespace Pipeline.Cluster.Grains;

/// <summary>A shard was called before <see cref="IReplayShard.Configure"/>: a new activation, usually because its silo died.</summary>
[GenerateSerializer]
public sealed class ShardNotConfiguredException : Exception
{
    public ShardNotConfiguredException(string shard, string silo)
        : base($"replay shard '{shard}' on {silo} is not configured (a new activation: its previous silo may have died)") { }
}
