namespace Pipeline.Cluster;

/// <summary>
/// The version of the grain contracts in this assembly. Silos and clients register it with the cluster registry;
/// a process whose version differs from the cluster's is refused with an error naming both versions.
/// Bump it whenever a contract in <c>Contracts/</c> or a grain interface changes meaning.
/// </summary>
public static class ClusterProtocol
{
    public const int Version = 2; // 2: actor hosts report and resume their reward statistics

    /// <summary>Orleans cluster and service ids every Pipeline silo and client uses (one cluster per membership).</summary>
    public const string ClusterId = "pipeline";

    public const string ServiceId = "pipeline";
}
