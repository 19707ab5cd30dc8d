using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Ngu;
using Pipeline.Cluster.Grains;
using Pipeline.Properties.Runs;
using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Xunit;

namespace Pipeline.Properties.Cluster;

/// <summary>The unchanged NGU recipe with its replay and parameters on the in-process cluster.</summary>
[Collection("cluster")]
public sealed class NguOnClusterTests(ClusterFixture fixture)
{
    static readonly string[] Small =
    [
        "size=4", "sequence-length=4", "replay-period=4", "auxiliary-steps=3", "copies=8", "actor-groups=2", "min-replay=16",
        "batch-size=8", "hidden=16", "torso-features=16", "dueling-hidden=16", "embedding-size=8", "rnd-outputs=8",
        "episodes-per-report=16", "checkpoint-every=100", "publish-period=5",
    ];

    [Fact]
    public async Task The_recipe_runs_on_the_cluster_and_a_learner_without_a_checkpoint_resumes_from_the_parameter_server()
    {
        var recipe = RecipeRegistry.Find("ngu-deepsea")!;
        var prepared = recipe.Prepare(Small, 3, 20).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var deployment = new ClusterDeployment(fixture.Cluster.Client, "in-process", 3, "ngu-test/run", ActorsOnSilos: false);
        var first = await TrainingRunner.Run(prepared, RunDirectory.CreateNew(SmallRuns.NewFolder(), recipe.Name, 3), false, false, [], _ => { },
            cluster: deployment);
        Assert.Equal(RunStatus.Completed, first.Result.Status);
        var points = MetricsLog.Read(first.Directory.MetricsJsonl);
        Assert.Equal(20, points.Count(p => p.Phase == "train" && p.Metric == "loss"));
        Assert.All(points.Where(p => p.Metric == "replay_lost"), p => Assert.Equal(0, p.Value));
        Assert.Contains(points, p => p.Phase == "actors" && p.Metric == "replay_size" && p.Value > 0);
        var server = fixture.Cluster.Client.GetGrain<IParameterServer>("ngu-test/run");
        Assert.Equal(20, await server.Version());

        // A new learner of the same run, with no checkpoint, continues from version 20: its publications go on from there.
        var second = await TrainingRunner.Run(prepared with { }, RunDirectory.CreateNew(SmallRuns.NewFolder(), recipe.Name, 3), false, false, [], _ => { },
            cluster: deployment);
        Assert.Equal(RunStatus.Completed, second.Result.Status);
        Assert.Equal(40, await server.Version());
    }

    [Fact]
    public async Task Actors_run_on_every_silo_and_their_episodes_reach_the_learners_metrics()
    {
        var recipe = RecipeRegistry.Find("ngu-deepsea")!;
        var prepared = recipe.Prepare(Small, 4, 25).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var deployment = new ClusterDeployment(fixture.Cluster.Client, "in-process", 3, "ngu-test/hosts");
        var run = await TrainingRunner.Run(prepared, RunDirectory.CreateNew(SmallRuns.NewFolder(), recipe.Name, 4), false, false, [], _ => { },
            cluster: deployment);
        Assert.Equal(RunStatus.Completed, run.Result.Status);
        var hosts = File.ReadAllLines(Path.Combine(run.Directory.Path, "actor-hosts.txt"));
        Assert.Equal(3, hosts.Length);
        Assert.Equal(3, hosts.Select(h => h[(h.LastIndexOf(" on ", StringComparison.Ordinal) + 4)..]).Distinct().Count());
        Assert.Contains("copies 0..1 on", hosts[0]); // 8 copies over 3 hosts: 2, 3, 3
        var points = MetricsLog.Read(run.Directory.MetricsJsonl);
        Assert.Equal(25, points.Count(p => p.Phase == "train" && p.Metric == "loss"));
        Assert.Contains(points, p => p.Phase == "actors" && p.Metric == "episodes" && p.Value >= 16);
        Assert.All(points.Where(p => p.Metric == "replay_lost"), p => Assert.Equal(0, p.Value));
        Assert.Contains(points, p => p.Phase == "actors" && p.Metric == "parameter_version" && p.Value >= 10);
    }

    [Fact]
    public async Task Actor_hosts_statistics_reach_the_checkpoint_and_a_resumed_runs_hosts_continue_from_them()
    {
        var recipe = RecipeRegistry.Find("ngu-deepsea")!;
        var prepared = recipe.Prepare(Small, 5, 60).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var run = await TrainingRunner.Run(prepared, RunDirectory.CreateNew(SmallRuns.NewFolder(), recipe.Name, 5), false, false, [], _ => { },
            cluster: new ClusterDeployment(fixture.Cluster.Client, "in-process", 3, "ngu-test/statistics"));
        Assert.Equal(RunStatus.Completed, run.Result.Status);
        var saved = Statistics(prepared, run);
        // The hosts' reports reached the checkpoint (each is polled every 500 ms, so under load one may not have reported
        // yet when the run ends): distances seen and RND errors counted.
        Assert.Contains(saved.DistancesSeen, seen => seen > 0);
        Assert.True(saved.RndCount > 0);

        // Resumed for 5 more updates (hosts of another name, so none of the first run's can answer): every copy goes on
        // counting from the checkpoint's statistics, where fresh hosts would start from 0.
        var more = recipe.Prepare(Small, 5, 65).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var resumed = await TrainingRunner.Run(more, RunDirectory.Open(run.Directory.Path), true, false, [], _ => { },
            cluster: new ClusterDeployment(fixture.Cluster.Client, "in-process", 3, "ngu-test/statistics-resumed"));
        Assert.Equal(RunStatus.Completed, resumed.Result.Status);
        var after = Statistics(more, resumed);
        Assert.True(after.RndCount >= saved.RndCount, $"RND errors counted: {after.RndCount} after the resume, {saved.RndCount} at the checkpoint");
        for (var copy = 0; copy < saved.DistancesSeen.Length; copy++)
            Assert.True(after.DistancesSeen[copy] >= saved.DistancesSeen[copy], $"copy {copy}: {after.DistancesSeen[copy]} distances seen after the resume, {saved.DistancesSeen[copy]} at the checkpoint");
    }

    static ActorStatistics Statistics(PreparedRun prepared, RunOutcome run)
    {
        var agent = (NguAgentConfig)prepared.Data;
        var config = NguAgent.WithEnvironmentSpec((NguConfig)prepared.Config, agent);
        ActorStatistics? found = null;
        using var _ = NguLearner.Load(config, run.Directory.CheckpointStore(3).Latest()!.Payload, TorchSharp.torch.CPU,
            archive => found = ActorStatistics.TryRead(archive, agent.Copies));
        return found ?? throw new InvalidOperationException("the run's checkpoint holds no actor statistics");
    }
}
