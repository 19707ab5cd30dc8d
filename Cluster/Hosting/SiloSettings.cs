using System.Net;

namespace Pipeline.Cluster.Hosting;

/// <summary>
/// Where a silo listens and how it finds the cluster. Development membership: the first silo (no
/// <see cref="Primary"/>) keeps the membership table; every other silo names it. For production use a membership
/// provider that survives any one machine (docs/CLUSTER.md: ADO.NET, Redis or Azure tables).
/// </summary>
/// <param name="Advertise">the address other silos and clients reach this silo at (loopback by default).</param>
/// <param name="Primary">the primary silo's silo-to-silo endpoint; null: this silo is the primary.</param>
/// <param name="ListenOnAny">listen on every interface (needed behind NAT or in containers), still advertising <see cref="Advertise"/>.</param>
/// <param name="CallTimeout">how long a grain call may take before it fails with an error naming the grain.</param>
public sealed record SiloSettings(
    IPAddress Advertise,
    int SiloPort = ClusterAddresses.DefaultSiloPort,
    int GatewayPort = ClusterAddresses.DefaultGatewayPort,
    IPEndPoint? Primary = null,
    bool ListenOnAny = false,
    TimeSpan? CallTimeout = null)
{
    public IPEndPoint SiloEndpoint => new(Advertise, SiloPort);

    public IPEndPoint GatewayEndpoint => new(Advertise, GatewayPort);

    public SiloSettings Validate()
    {
        if (SiloPort is < 1 or > 65535) throw new ArgumentException($"silo port {SiloPort} is not a port (1-65535)");
        if (GatewayPort is < 1 or > 65535) throw new ArgumentException($"gateway port {GatewayPort} is not a port (1-65535)");
        if (SiloPort == GatewayPort) throw new ArgumentException($"the silo and gateway ports are both {SiloPort}; they must differ");
        if (CallTimeout is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"call timeout {t} must be positive");
        return this;
    }
}
