using Pipeline.Cluster.Contracts;

namespace Pipeline.Cluster.Grains;

/// <summary>
/// The latest parameters of a run (grain key: the run's name). The learner publishes versioned snapshots; actors
/// pull the newest when theirs is older. Within one learner epoch versions only go up (an older snapshot is
/// refused); a snapshot of a new epoch (the learner restarted, perhaps from an older checkpoint) replaces the held one,
/// and the replaced epoch is retired: its late publishes are ignored.
/// </summary>
public interface IParameterServer : IGrainWithStringKey
{
    /// <summary>Keeps <paramref name="snapshot"/> if it is of another epoch or newer than the one held; returns the version held afterwards.</summary>
    Task<long> Publish(SnapshotData snapshot);

    /// <summary>The snapshot held, if its epoch is not <paramref name="epoch"/> or its version is greater than <paramref name="known"/>; null otherwise.</summary>
    Task<SnapshotData?> ReadIfNewer(Guid epoch, long known);

    /// <summary>The version held (0 before the first publish).</summary>
    Task<long> Version();
}

/// <summary>
/// Which silos joined and which contract version they speak (grain key: "registry"). The first process to register
/// sets the cluster's version; a silo or client with another version is refused with both versions named.
/// </summary>
public interface IClusterRegistry : IGrainWithStringKey
{
    /// <summary>Registers <paramref name="member"/>; throws when <paramref name="protocol"/> differs from the cluster's.</summary>
    Task<int> Register(string member, int protocol);

    Task<string[]> Members();
}
