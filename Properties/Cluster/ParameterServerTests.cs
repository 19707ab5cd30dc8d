using System.Net;
using Pipeline.Cluster;
using Pipeline.Cluster.Contracts;
using Pipeline.Cluster.Grains;
using Pipeline.Cluster.Hosting;
using TorchSharp;
using Xunit;

namespace Pipeline.Properties.Cluster;

[Collection("cluster")]
public sealed class ParameterServerTests(ClusterFixture fixture)
{
    static SnapshotData Snapshot(long version, float value) =>
        new(version, [new TensorData([2, 3], [.. Enumerable.Range(0, 6).Select(i => value + i)]), new TensorData([1], [value])], "test");

    [Fact]
    public async Task The_newest_version_wins_and_a_restarted_learner_reads_it()
    {
        var server = fixture.Cluster.Client.GetGrain<IParameterServer>("run-a");
        Assert.Equal(0, await server.Version());
        Assert.Equal(1, await server.Publish(Snapshot(1, 10)));
        Assert.Equal(3, await server.Publish(Snapshot(3, 30)));
        Assert.Equal(3, await server.Publish(Snapshot(2, 20))); // a late, older snapshot does not replace a newer one
        Assert.Null(await server.ReadIfNewer(Guid.Empty, 3));
        // A learner that restarts knows version 0 and resumes from the latest.
        var latest = await fixture.Cluster.Client.GetGrain<IParameterServer>("run-a").ReadIfNewer(Guid.Empty, 0);
        Assert.NotNull(latest);
        Assert.Equal(3, latest.Version);
        Assert.Equal([30f, 31, 32, 33, 34, 35], latest.Tensors[0].Values);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => server.Publish(Snapshot(0, 1)));
        // A learner restarted from an older checkpoint publishes under a new epoch: its lower version replaces 3,
        // and a reader that holds epoch 0's version 3 is told.
        var restarted = Guid.NewGuid();
        Assert.Equal(2, await server.Publish(Snapshot(2, 20) with { Epoch = restarted }));
        Assert.Equal(2, (await server.ReadIfNewer(Guid.Empty, 3))!.Version);
        Assert.Null(await server.ReadIfNewer(restarted, 2));
        // The replaced learner, still publishing, cannot take it back.
        Assert.Equal(2, await server.Publish(Snapshot(9, 90)));
        Assert.Null(await server.ReadIfNewer(restarted, 2));
    }

    [Fact]
    public void Tensors_survive_the_round_trip_through_plain_data()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(5);
        var original = torch.randn([3, 4, 2], generator: generator);
        var data = TensorData.From(original);
        Assert.Equal([3L, 4, 2], data.Shape);
        Assert.True(original.allclose(data.ToTensor(torch.CPU), rtol: 0, atol: 0));
        Assert.Throws<ArgumentException>(() => (data with { Shape = [5] }).ToTensor(torch.CPU));
    }

    [Fact]
    public async Task A_member_with_another_contract_version_is_refused_with_both_versions_named()
    {
        await ClusterHosting.Register(fixture.Cluster.Client, "test client", ClusterProtocol.Version);
        var error = await Assert.ThrowsAsync<ClusterVersionException>(() => ClusterHosting.Register(fixture.Cluster.Client, "old silo", ClusterProtocol.Version + 1));
        Assert.Contains($"old silo speaks cluster protocol {ClusterProtocol.Version + 1}", error.Message);
        Assert.Contains($"speaks {ClusterProtocol.Version}", error.Message);
    }

    [Fact]
    public async Task An_unreachable_cluster_address_is_named()
    {
        var nowhere = new IPEndPoint(IPAddress.Loopback, 1);
        var error = await Assert.ThrowsAsync<ClusterUnreachableException>(() => ClusterHosting.ConnectAsync([nowhere], TimeSpan.FromSeconds(3)));
        Assert.Contains("127.0.0.1:1", error.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("127.0.0.1:99999", "not a port")]
    [InlineData("127.0.0.1:x", "not a port")]
    public void Bad_cluster_addresses_say_what_is_wrong(string address, string expected) =>
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => ClusterAddresses.Parse(address)).Message);

    [Fact]
    public void Addresses_parse_with_and_without_ports() =>
        Assert.Equal(["127.0.0.1:30000", "10.0.0.2:31000"], ClusterAddresses.Parse("127.0.0.1, 10.0.0.2:31000").Select(e => e.ToString()));
}
