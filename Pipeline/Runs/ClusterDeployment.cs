using Pipeline.Cluster.Hosting;

namespace Pipeline.Runs;

/// <summary>
/// A run deployed on a Pipeline cluster (<c>pipeline run ... --cluster address</c>): the grains to call, how many replay
/// shards to spread over the silos, the name its replay table and parameter server are keyed by, and whether its
/// actors run on the silos (actor hosts) or in the learner's process.
/// </summary>
public sealed record ClusterDeployment(IGrainFactory Grains, string Address, int Shards, string RunName, string? CheckpointDirectory = null,
    bool ActorsOnSilos = true)
{
    /// <summary>The recipe and its arguments, so actor hosts can rebuild the run's config (set by the runner).</summary>
    public string Recipe { get; init; } = "";

    public IReadOnlyList<string> Assignments { get; init; } = [];

    public long Steps { get; init; }

    public ClusterDeployment Validate() => Shards is >= 1 and <= 1 << 14 ? this
        : throw new ArgumentException($"--shards {Shards} must be in 1..16384");

    /// <summary>Connects to the cluster at <paramref name="address"/> ("host:port[,host:port]").</summary>
    public static Task<Microsoft.Extensions.Hosting.IHost> ConnectAsync(string address, CancellationToken cancellation) =>
        ClusterHosting.ConnectAsync(ClusterAddresses.Parse(address), cancellation: cancellation);
}
