using Pipeline.Cluster.Contracts;

namespace Pipeline.Cluster.Grains;

/// <summary>Holds the newest snapshot in memory (it is reconstructible: the learner publishes again after a silo loss).</summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class ParameterServerGrain : Grain, IParameterServer
{
    SnapshotData? latest;
    readonly HashSet<Guid> retired = [];

    public Task<long> Publish(SnapshotData snapshot)
    {
        if (snapshot.Version < 1) throw new ArgumentException($"parameter version {snapshot.Version} from {snapshot.Publisher} must be at least 1");
        if (retired.Contains(snapshot.Epoch)) return Task.FromResult(latest?.Version ?? 0); // a replaced learner, still publishing
        if (latest is not null && snapshot.Epoch != latest.Epoch) retired.Add(latest.Epoch);
        if (latest is null || snapshot.Epoch != latest.Epoch || snapshot.Version > latest.Version) latest = snapshot;
        return Task.FromResult(latest.Version);
    }

    public Task<SnapshotData?> ReadIfNewer(Guid epoch, long known) =>
        Task.FromResult(latest is not null && (latest.Epoch != epoch || latest.Version > known) ? latest : null);

    public Task<long> Version() => Task.FromResult(latest?.Version ?? 0);
}

[CollectionAgeLimit(AlwaysActive = true)]
public sealed class ClusterRegistryGrain : Grain, IClusterRegistry
{
    readonly List<string> members = [];
    int? protocol;

    public Task<int> Register(string member, int version)
    {
        protocol ??= version;
        if (version != protocol)
            throw new InvalidOperationException(
                $"{member} speaks cluster protocol {version}, but the cluster (first member {members.FirstOrDefault() ?? "?"}) speaks {protocol}: "
                + "run the same Pipeline version on every silo and client");
        if (!members.Contains(member)) members.Add(member);
        return Task.FromResult(protocol.Value);
    }

    public Task<string[]> Members() => Task.FromResult(members.ToArray());
}
