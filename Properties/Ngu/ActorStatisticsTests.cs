using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Ngu;
using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Properties.Runs;
using Pipeline.Stages.Parameters;
using Pipeline.Stages.Training;
using Pipeline.Stages.Graph;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>
/// A run checkpoint carries the actors' life-long reward statistics (RND's error moments, each copy's running mean
/// d_m^2), so a resumed run's intrinsic rewards continue on the scale they had.
/// </summary>
public class ActorStatisticsTests
{
    static readonly NguAgentConfig Agent = new() { Environment = "deep-sea", Size = 4, Copies = 2, ActorGroups = 1, InferenceTimeoutMs = 20 };
    static readonly NguConfig Config = NguAgent.WithEnvironmentSpec(NguLearnerTests.Tiny with { Hidden = 8, Intrinsic = NguConfig.RandomEmbedding }, Agent);

    /// <summary>Requests of one episode for both copies, drawn once, so that every server sees the same observations.</summary>
    static List<float[]> Episode(int seed, int steps)
    {
        var rows = new Random(seed);
        return [.. Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, 2 * Config.Spec.ObservationSize).Select(_ => (float)rows.NextDouble()).ToArray())];
    }

    static async Task<List<float[]>> Play(InferenceServer server, List<float[]> episode)
    {
        var rewards = new List<float[]>();
        for (var t = 0; t < episode.Count; t++)
        {
            var start = t == 0;
            rewards.Add((await server.ActAsync(new InferenceRequest(0, episode[t], start ? [-1, -1] : [0, 0], [0f, 0f], [start, start]))).Intrinsic);
        }
        return rewards;
    }

    /// <summary>The statistics a run checkpoint holds, read as the agent reads them on resume (null when it has none that fit).</summary>
    static ActorStatistics? FromCheckpoint(NguConfig config, int copies, byte[] payload)
    {
        ActorStatistics? found = null;
        using var _ = NguLearner.Load(config, payload, CPU, archive => found = ActorStatistics.TryRead(archive, copies));
        return found;
    }

    static void AssertSameStatistics(ActorStatistics expected, ActorStatistics actual)
    {
        Assert.Equal((expected.RndCount, expected.RndMean, expected.RndVariance), (actual.RndCount, actual.RndMean, actual.RndVariance));
        Assert.Equal(expected.DistanceMeans, actual.DistanceMeans);
        Assert.Equal(expected.DistancesSeen, actual.DistancesSeen);
    }

    [Fact]
    public async Task A_server_resumed_from_the_statistics_gives_the_original_servers_intrinsic_rewards_from_the_next_episode_on()
    {
        using var store = new ParameterStore<ParameterSnapshot>();
        using var original = new InferenceServer(Config, Agent, store, 1, CPU);
        await Play(original, Episode(1, 8));
        var saved = original.Statistics();
        Assert.Equal(7 * 2, saved.RndCount); // every step after the start, both copies
        Assert.All(saved.DistancesSeen, seen => Assert.True(seen > 0));

        using var resumed = new InferenceServer(Config, Agent, store, 1, CPU, resumed: saved);
        using var fresh = new InferenceServer(Config, Agent, store, 1, CPU);
        AssertSameStatistics(saved, resumed.Statistics());
        var next = Episode(2, 6);
        var expected = await Play(original, next);
        var continued = await Play(resumed, next);
        var restarted = await Play(fresh, next);
        Assert.Equal(expected, continued);
        Assert.NotEqual(expected, restarted); // the statistics matter, or this test would mean nothing
        AssertSameStatistics(original.Statistics(), resumed.Statistics());
    }

    [Fact]
    public void A_checkpoint_carries_the_statistics_and_one_without_them_or_for_other_copies_reads_as_none()
    {
        using var state = NguLearner.Init(Config, 3, CPU);
        var statistics = new ActorStatistics(42, 0.5, 0.25, [1.5, 2.5], [10, 20]);
        var payload = NguLearner.Save(state, statistics.Write);
        AssertSameStatistics(statistics, FromCheckpoint(Config, 2, payload)!);
        Assert.Null(FromCheckpoint(Config, 2, NguLearner.Save(state)));
        Assert.Null(FromCheckpoint(Config, 3, payload));
        using var loaded = NguLearner.Load(Config, payload, CPU); // a reader that does not ask ignores them
        Assert.Equal(state.Updates, loaded.Updates);
    }

    [Fact]
    public void An_agent_runs_checkpoint_holds_its_actors_statistics()
    {
        var recipe = RecipeRegistry.Find("ngu-deepsea")!;
        var prepared = recipe.Prepare(NguAgentTests.Small, 3, 10).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var run = SmallRuns.Run(prepared, RunDirectory.CreateNew(SmallRuns.NewFolder(), recipe.Name, 3));
        Assert.Equal(RunStatus.Completed, run.Result.Status);
        var config = (NguConfig)prepared.Config;
        var agent = (NguAgentConfig)prepared.Data;
        var statistics = FromCheckpoint(config, agent.Copies, run.Directory.CheckpointStore(3).Latest()!.Payload);
        Assert.NotNull(statistics);
        Assert.True(statistics.RndCount > 0);
        Assert.Equal(agent.Copies, statistics.DistancesSeen.Length);
        Assert.Contains(statistics.DistancesSeen, seen => seen > 0);
    }

    [Fact]
    public void Actor_hosts_statistics_merge_by_copy_range_and_pool_rnd_moments()
    {
        // Host 0 serves copies 0..1, host 1 copies 2..4; each reads 0 (or stale values) outside its range.
        var host0 = new ActorStatistics(1, 0.0, 0.0, [1.5, 2.5, 9, 9, 9], [10, 20, 9, 9, 9]);
        var host1 = new ActorStatistics(3, 2.0, 0.5, [7, 7, 3.5, 4.5, 5.5], [7, 7, 30, 40, 50]);
        var run = ActorStatistics.Merge(5, [(0, 2, host0), (2, 3, host1)]);
        Assert.Equal([1.5, 2.5, 3.5, 4.5, 5.5], run.DistanceMeans);
        Assert.Equal([10L, 20, 30, 40, 50], run.DistancesSeen);
        // Pooled: mean (0 + 3 x 2) / 4 = 1.5; variance (1 x (0 + 1.5^2) + 3 x (0.5 + 0.5^2)) / 4 = 1.125.
        Assert.Equal((4L, 1.5, 1.125), (run.RndCount, run.RndMean, run.RndVariance));

        var alone = ActorStatistics.Merge(5, [(0, 5, host1)]);
        AssertSameStatistics(host1, alone);
        Assert.Throws<ArgumentException>(() => ActorStatistics.Merge(4, [(0, 2, host0)]));
    }

    [Fact]
    public void An_evaluations_copies_start_from_the_training_copies_pooled_distance_mean()
    {
        var pooled = new ActorStatistics(42, 0.5, 0.25, [1.5, 2.5, 0], [10, 30, 0]).Pooled(4);
        Assert.Equal((42L, 0.5, 0.25), (pooled.RndCount, pooled.RndMean, pooled.RndVariance));
        Assert.Equal(Enumerable.Repeat(2.25, 4), pooled.DistanceMeans); // (1.5 x 10 + 2.5 x 30) / 40
        Assert.Equal(Enumerable.Repeat(13L, 4), pooled.DistancesSeen);  // 40 over the 3 training copies
    }

    [Fact]
    public void A_resumed_runs_actors_act_with_the_checkpoints_networks_from_their_first_step()
    {
        var recipe = RecipeRegistry.Find("ngu-deepsea")!;
        PreparedRun Prepare(long steps) => recipe.Prepare(NguAgentTests.Small, 3, steps).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var first = SmallRuns.Run(Prepare(10), RunDirectory.CreateNew(SmallRuns.NewFolder(), recipe.Name, 3));
        // The first run's own reports (its actors can report step 10 before they load version 10) stay in the file.
        var before = MetricsLog.Read(first.Directory.MetricsJsonl).Count;
        var resumed = SmallRuns.Run(Prepare(20), first.Directory, resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Result.Status);
        // The learner publishes every 10 updates once the refilled replay lets it train; before this fix the actors'
        // first reports after a resume showed version -1, the seed's initial weights.
        var versions = MetricsLog.Read(resumed.Directory.MetricsJsonl).Skip(before).Where(p => p.Phase == "actors" && p.Metric == "parameter_version").ToList();
        Assert.NotEmpty(versions);
        Assert.All(versions, p => Assert.True(p.Value >= 10, $"actors reported parameter version {p.Value} after resuming from update 10"));
    }
}
