using Pipeline.Stages.Replay;

namespace Pipeline.Cluster.Client;

/// <summary>
/// How a client uses a sharded table.
/// </summary>
/// <param name="Shards">number of shards (grains "table/0" .. "table/Shards-1"); they spread over the silos.</param>
/// <param name="RateLimiter">Reverb's rule applied to the counters summed over all shards: by the sampler exactly, and
/// by writers on a view refreshed every 20 ms (see <see cref="LimitInserts"/>).</param>
/// <param name="ImportanceExponent">beta of the importance weights, computed over the whole table.</param>
/// <param name="InFlightPerProducer">insert calls one writer keeps in flight at most (back-pressure across the wire).</param>
/// <param name="SamplePoll">how long a sampler waits before asking again when the rate limiter says no.</param>
/// <param name="ContinueAfterLoss">true: a failed insert is counted as lost and the run goes on; false: it fails the writer.</param>
/// <param name="Seed">seed of the client's shard choice when sampling.</param>
public sealed record ShardedReplayOptions(
    int Shards,
    RateLimiterOptions RateLimiter,
    double ImportanceExponent = 0.6,
    int InFlightPerProducer = 4,
    TimeSpan? SamplePoll = null,
    bool ContinueAfterLoss = true,
    long Seed = 0)
{
    /// <summary>How long sampling keeps retrying while a shard cannot be reached (its silo died and the cluster has
    /// not yet declared it dead) before it fails with the shard's error.</summary>
    public TimeSpan ShardOutage { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether inserts wait for the rate limiter too (as in one process); false: producers run at their own pace,
    /// throttled only by their in-flight calls.</summary>
    public bool LimitInserts { get; init; } = true;

    public ShardedReplayOptions Validate()
    {
        if (Shards < 1) throw new ArgumentException($"a sharded table needs at least 1 shard, not {Shards}");
        if (Shards > 1 << 14) throw new ArgumentException($"{Shards} shards is more than the 16,384 a key can name");
        if (InFlightPerProducer < 1) throw new ArgumentException($"in-flight inserts per producer {InFlightPerProducer} must be at least 1");
        if (!double.IsFinite(ImportanceExponent) || ImportanceExponent < 0)
            throw new ArgumentException($"importance exponent {ImportanceExponent} must be finite and at least 0");
        return this;
    }
}

/// <summary>
/// What happened to every item a client handed to the table: acknowledged by a shard, lost in flight (the call
/// failed, so the shard may or may not hold it), lost with a shard (acknowledged by an activation that died and
/// not in the checkpoint its successor restored), or abandoned (its call was cut off by the client's own
/// cancellation, at shutdown: not a failure).
/// </summary>
public readonly record struct ReplayAccounting(long Acknowledged, long LostInFlight, long LostWithShards, int ShardRestarts, long Abandoned = 0)
{
    public long Lost => LostInFlight + LostWithShards;
}

/// <summary>A cluster call that failed, naming the grain and where it last ran.</summary>
public sealed class ClusterCallException(string message, Exception inner) : Exception(message, inner);
