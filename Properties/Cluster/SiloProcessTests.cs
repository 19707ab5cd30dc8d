using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Cluster.Hosting;
using Pipeline.Properties.Runs;
using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Xunit;

namespace Pipeline.Properties.Cluster;

/// <summary>
/// The deployment a user runs: two `pipeline cluster silo` processes on loopback TCP, and a learner in this process
/// that connects to them and runs the unchanged NGU recipe with its actors on the silos.
/// </summary>
public sealed class SiloProcessTests
{
    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static Process StartSilo(int port, int gateway, int? primary) =>
        SiloProcess.Start(Path.Combine(AppContext.BaseDirectory, "pipeline.dll"), port, gateway, primary);

    [Fact]
    public async Task Two_silo_processes_run_the_recipes_actors_and_replay_for_a_learner_in_this_process()
    {
        var (s0, g0, s1, g1) = (FreePort(), FreePort(), FreePort(), FreePort());
        var silos = new List<Process>();
        try
        {
            silos.Add(StartSilo(s0, g0, null));
            silos.Add(StartSilo(s1, g1, s0));
            using var client = await ClusterHosting.ConnectAsync([new IPEndPoint(IPAddress.Loopback, g0), new IPEndPoint(IPAddress.Loopback, g1)],
                TimeSpan.FromSeconds(30));
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var recipe = RecipeRegistry.Find("ngu-deepsea")!;
            var prepared = recipe.Prepare(
            [
                "size=4", "sequence-length=4", "replay-period=4", "auxiliary-steps=3", "copies=8", "actor-groups=2", "min-replay=16",
                "batch-size=8", "hidden=16", "torso-features=16", "dueling-hidden=16", "embedding-size=8", "rnd-outputs=8",
                "episodes-per-report=16", "checkpoint-every=100",
            ], 6, 25).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
            var run = await TrainingRunner.Run(prepared, RunDirectory.CreateNew(SmallRuns.NewFolder(), recipe.Name, 6), false, false, [], _ => { },
                cluster: new ClusterDeployment(grains, $"127.0.0.1:{g0}", 2, $"process-test/{Guid.NewGuid():N}"));
            Assert.Equal(RunStatus.Completed, run.Result.Status);
            var hosts = File.ReadAllLines(Path.Combine(run.Directory.Path, "actor-hosts.txt"));
            Assert.Equal(2, hosts.Length);
            Assert.Contains(hosts, h => h.Contains($"127.0.0.1:{s0}", StringComparison.Ordinal));
            Assert.Contains(hosts, h => h.Contains($"127.0.0.1:{s1}", StringComparison.Ordinal));
            var points = MetricsLog.Read(run.Directory.MetricsJsonl);
            Assert.Equal(25, points.Count(p => p.Phase == "train" && p.Metric == "loss"));
            Assert.Contains(points, p => p.Phase == "actors" && p.Metric == "episodes" && p.Value >= 16);
            Assert.All(points.Where(p => p.Metric == "replay_lost"), p => Assert.Equal(0, p.Value));
            await client.StopAsync();
        }
        finally
        {
            foreach (var silo in silos)
            {
                try { silo.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                silo.WaitForExit(10_000);
                silo.Dispose();
            }
        }
    }
}
