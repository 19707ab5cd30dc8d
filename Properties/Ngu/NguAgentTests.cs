using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Properties.Runs;
using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Parameters;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>The NGU agent's graph end to end, and its parts: the parameter store and the batched inference server.</summary>
public class NguAgentTests
{
    internal static readonly string[] Small =
    [
        "size=4", "sequence-length=4", "replay-period=4", "auxiliary-steps=3", "copies=8", "actor-groups=2", "min-replay=16",
        "batch-size=8", "hidden=16", "torso-features=16", "dueling-hidden=16", "embedding-size=8", "rnd-outputs=8",
        "episodes-per-report=16", "checkpoint-every=10",
    ];

    [Fact]
    public void The_agent_runs_actors_replay_and_learner_to_the_end_and_resumes_from_its_checkpoint()
    {
        var recipe = RecipeRegistry.Find("ngu-deepsea")!;
        string[] settings = [.. Small, "evaluate-every=15", "evaluation-copies=4", "evaluation-episodes=2"];
        var prepared = recipe.Prepare(settings, 3, 20).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var folder = SmallRuns.NewFolder();
        var first = SmallRuns.Run(prepared, RunDirectory.CreateNew(folder, recipe.Name, 3));
        Assert.Equal(RunStatus.Completed, first.Result.Status);
        var points = MetricsLog.Read(first.Directory.MetricsJsonl);
        Assert.Equal(20, points.Where(p => p.Phase == "train" && p.Metric == "loss").Count());
        Assert.Contains(points, p => p.Phase == "actors" && p.Metric == "episodes" && p.Value >= 16);
        Assert.All(points.Where(p => p.Phase == "actors" && p.Metric == "replay_size"), p => Assert.InRange(p.Value, 0, 20_000));
        // DeepSea(4) has 16 cells; the agent starts in one and can reach at most the lower triangle.
        var distinct = points.Where(p => p.Phase == "actors" && p.Metric == "distinct_observations").ToList();
        Assert.NotEmpty(distinct);
        Assert.All(distinct, p => Assert.InRange(p.Value, 2, 10));

        // Greedy evaluations every 15 updates and after the last: 4 copies x their first 2 episodes, each DeepSea(4) episode 4 steps.
        Assert.Equal([15L, 20L], points.Where(p => p.Phase == "eval" && p.Metric == "episodes").Select(p => p.Step));
        Assert.All(points.Where(p => p.Phase == "eval" && p.Metric == "episodes"), p => Assert.Equal(8, p.Value));
        Assert.All(points.Where(p => p.Phase == "eval" && p.Metric == "length"), p => Assert.Equal(4, p.Value));
        Assert.All(points.Where(p => p.Phase == "eval" && p.Metric == "solved_fraction"), p => Assert.InRange(p.Value, 0, 1));

        var longer = recipe.Prepare(settings, 3, 30).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var resumed = SmallRuns.Run(longer, first.Directory, resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Result.Status);
        var train = MetricsLog.Read(resumed.Directory.MetricsJsonl).Where(p => p.Phase == "train" && p.Metric == "loss").Select(p => p.Step).ToList();
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), train);
        var evaluated = MetricsLog.Read(resumed.Directory.MetricsJsonl).Where(p => p.Phase == "eval" && p.Metric == "episodes").Select(p => p.Step);
        Assert.Equal([15L, 20L, 30L], evaluated);
    }

    [Fact]
    public void With_checkpoint_replay_a_resumed_run_starts_from_its_replay_and_a_damaged_replay_file_only_empties_it()
    {
        var recipe = RecipeRegistry.Find("ngu-deepsea")!;
        // A tight rate limiter: the learner cannot run ahead of the actors, so the table holds what 20 updates needed.
        string[] settings = [.. Small, "checkpoint-replay=true", "rate-error-buffer=8"];
        var first = SmallRuns.Run(recipe.Prepare(settings, 5, 20).IfFail(e => throw new InvalidOperationException(string.Join("; ", e))),
            RunDirectory.CreateNew(SmallRuns.NewFolder(), recipe.Name, 5));
        Assert.Equal(RunStatus.Completed, first.Result.Status);
        var file = Path.Combine(first.Directory.Path, "replay", "table.ckpt");
        Assert.True(File.Exists(file));
        // Replay sizes in file order: a resume appends its reports after the ones it kept.
        List<double> ReplaySizes(RunOutcome run) =>
            [.. MetricsLog.Read(run.Directory.MetricsJsonl).Where(p => p.Phase == "actors" && p.Metric == "replay_size").Select(p => p.Value)];
        var sizes = ReplaySizes(first);
        var before = sizes[^1];
        Assert.True(before > 0, $"the first run's last report saw an empty replay ({string.Join(", ", sizes)})");

        var resumed = SmallRuns.Run(recipe.Prepare(settings, 5, 40).IfFail(e => throw new InvalidOperationException(string.Join("; ", e))),
            first.Directory, resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Result.Status);
        // The first report after the resume already holds everything the checkpointed table held.
        var afterResume = ReplaySizes(resumed);
        Assert.True(afterResume[sizes.Count] >= before, $"replay after resume {afterResume[sizes.Count]} below the {before} held before");

        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        var damaged = SmallRuns.Run(recipe.Prepare(settings, 5, 50).IfFail(e => throw new InvalidOperationException(string.Join("; ", e))),
            first.Directory, resume: true);
        Assert.Equal(RunStatus.Completed, damaged.Result.Status);
        // Every earlier report is at or before step 40, the checkpoint resumed from, so all are kept and the new ones follow.
        var afterDamage = ReplaySizes(damaged);
        Assert.True(afterDamage[afterResume.Count] < before, $"a damaged replay file was not set aside ({afterDamage[afterResume.Count]} items, {before} before)");
    }

    [Fact]
    public void The_episode_report_counts_the_exploitative_policys_episodes_apart()
    {
        var report = new EpisodeReport(4, policies: 2);
        Assert.Null(report.Add(new EpisodeSummary(0, 1, 5, 0.5, Solved: true)));
        Assert.Null(report.Add(new EpisodeSummary(1, 1, 5, 0.5, Solved: true)));
        Assert.Null(report.Add(new EpisodeSummary(2, 0, 5, 0.5, Solved: false)));
        var values = report.Add(new EpisodeSummary(3, 0, 5, 0.5, Solved: false))!.ToDictionary(v => v.Key, v => v.Value);
        // Copies 0 and 2 act with policy 0 (beta = 0); one of their two episodes was solved.
        Assert.Equal(2, values["exploit_episodes"]);
        Assert.Equal(1, values["exploit_solved_total"]);
        Assert.Equal(2, values["solved_total"]);
        Assert.DoesNotContain("exploit_episodes", new EpisodeReport(1).Add(new EpisodeSummary(0, 1, 5, 0.5, true))!.Select(v => v.Key));
    }

    [Fact]
    public void Invalid_agent_settings_are_refused_before_any_work()
    {
        var errors = RecipeRegistry.Find("ngu-deepsea")!.Prepare(["copies=2", "actor-groups=3", "environment=atari", "evaluation-epsilon=1.5", "evaluate-every=-1"], 0, 10).FailToSeq()
            .Select(e => e.Message).ToList();
        Assert.Contains(errors, e => e.Contains("actor-groups (3) cannot exceed copies (2)"));
        Assert.Contains(errors, e => e.Contains("environment"));
        Assert.Contains(errors, e => e.Contains("evaluation-epsilon"));
        Assert.Contains(errors, e => e.Contains("evaluate-every"));
    }

    /// <summary>
    /// Settings wrong only together are refused at prepare time, naming the fix: sequences whose burn-in and bootstrap
    /// step leave gaps in long episodes, policies no copy plays, a limiter band narrower than a whole batch. DeepSea's
    /// episodes fit in one sequence, so back-to-back sequences are fine there.
    /// </summary>
    [Theory]
    [InlineData("ngu-deepsea", new[] { "environment=sparse-mountain-car" }, "replay-period (10) must be at most sequence-length - burn-in - 1 = 9", "set sequence-length=11")]
    [InlineData("ngu-deepsea", new[] { "environment=key-door-maze", "max-steps=50", "sequence-length=20", "replay-period=15", "burn-in=5" }, "= 14", "1 step(s) of every 15")]
    [InlineData("ngu-disco", new[] { "sequence-length=50" }, "= 39 in episodes longer than a sequence (disco-maze's last up to 500 steps)", "11 step(s) of every 50")]
    [InlineData("ngu-deepsea", new[] { "policies=32", "copies=16" }, "copies (16) must be at least policies (32)", "policies 16 to 31 would never act")]
    [InlineData("ngu-deepsea", new[] { "rate-error-buffer=15" }, "rate-error-buffer (15) must be at least half of batch-size (32)", "whole batches")]
    public void Settings_wrong_only_together_are_refused_before_any_work(string recipe, string[] settings, string problem, string detail)
    {
        var errors = RecipeRegistry.Find(recipe)!.Prepare(settings, 0, 10).FailToSeq().Select(e => e.Message).ToList();
        Assert.Contains(errors, e => e.Contains(problem) && e.Contains(detail));
    }

    [Theory]
    [InlineData("ngu-deepsea", new string[0])]
    [InlineData("ngu-deepsea", new[] { "size=6", "sequence-length=6", "replay-period=6", "auxiliary-steps=5" })]
    [InlineData("ngu-deepsea", new[] { "environment=sparse-mountain-car", "sequence-length=11" })]
    [InlineData("ngu-deepsea", new[] { "policies=32", "copies=32" })]
    [InlineData("ngu-disco", new string[0])]
    [InlineData("ngu-disco", new[] { "environment=key-door-maze", "size=5" })]
    public void Settings_that_train_every_step_are_accepted(string recipe, string[] settings) =>
        Assert.True(RecipeRegistry.Find(recipe)!.Prepare(settings, 0, 10).IsSuccess);

    [Fact]
    public void The_parameter_store_keeps_the_newest_version_and_disposes_the_ones_it_replaces()
    {
        using var store = new ParameterStore<ParameterSnapshot>();
        var first = new ParameterSnapshot(1, [ones(2)]);
        store.Publish(first, 1);
        var seen = new List<long>();
        Assert.Equal(1, store.ReadIfNewer(-1, s => seen.Add(s.Version)));
        Assert.Equal(1, store.ReadIfNewer(1, s => seen.Add(s.Version)));
        store.Publish(new ParameterSnapshot(5, [zeros(2)]), 5);
        Assert.True(first.Values[0].IsInvalid);
        Assert.Equal(5, store.ReadIfNewer(1, s => seen.Add(s.Version)));
        Assert.Equal([1L, 5], seen);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Publish(new ParameterSnapshot(3, [zeros(1)]), 3));
    }

    [Fact]
    public async Task Inference_batches_the_groups_requests_and_starts_episodes_with_no_intrinsic_reward()
    {
        var agent = new NguAgentConfig { Environment = "deep-sea", Size = 4, Copies = 6, ActorGroups = 2, InferenceTimeoutMs = 200 };
        var config = NguAgent.WithEnvironmentSpec(NguLearnerTests.Tiny with { Hidden = 8 }, agent);
        using var store = new ParameterStore<ParameterSnapshot>();
        using var server = new InferenceServer(config, agent, store, 1, CPU);
        InferenceRequest Request(int first, int count, bool start)
        {
            var observations = new float[count * 16];
            for (var i = 0; i < count; i++) observations[i * 16 + i] = 1;
            return new InferenceRequest(first, observations, Enumerable.Repeat(start ? -1 : 0, count).ToArray(), new float[count], Enumerable.Repeat(start, count).ToArray());
        }
        var replies = await Task.WhenAll(server.ActAsync(Request(0, 3, true)), server.ActAsync(Request(3, 3, true)));
        Assert.Equal(6, server.Forwarded);
        Assert.All(replies, r =>
        {
            Assert.Equal(3, r.Actions.Length);
            Assert.All(r.Actions, a => Assert.InRange(a, 0, 1));
            Assert.All(r.Intrinsic, x => Assert.Equal(0f, x));
            Assert.All(r.StatesBefore, x => Assert.Equal(0f, x)); // episode starts: zero LSTM state
            Assert.Equal(3 * 2 * 8, r.StatesBefore.Length);
        });
        var next = await server.ActAsync(Request(0, 3, false));
        Assert.All(next.Intrinsic, x => Assert.True(x > 0, $"a step into a new state earns a positive episodic reward, got {x}"));
        Assert.Contains(next.StatesBefore, x => x != 0f);
        var bad = new InferenceRequest(0, new float[5], [0], [0f], [false]);
        Assert.Contains("need 16 observation floats", (await Assert.ThrowsAsync<ArgumentException>(() => server.ActAsync(bad))).Message);
        var outside = new InferenceRequest(5, new float[32], [0, 0], [0f, 0f], [false, false]);
        Assert.Contains("copies 5..6 are outside the server's copies 0..5", (await Assert.ThrowsAsync<ArgumentException>(() => server.ActAsync(outside))).Message);
    }

    [Fact]
    public async Task A_server_for_a_share_of_the_copies_acts_for_those_only()
    {
        var agent = new NguAgentConfig { Environment = "deep-sea", Size = 4, Copies = 6, ActorGroups = 1, InferenceTimeoutMs = 50 };
        var config = NguAgent.WithEnvironmentSpec(NguLearnerTests.Tiny with { Hidden = 8 }, agent);
        using var store = new ParameterStore<ParameterSnapshot>();
        using var server = new InferenceServer(config, agent, store, 1, CPU, firstCopy: 2, copyCount: 2);
        var size = config.Spec.ObservationSize;
        var reply = await server.ActAsync(new InferenceRequest(2, new float[2 * size], [-1, -1], [0f, 0f], [true, true]));
        Assert.Equal(2, reply.Actions.Length);
        var before = new InferenceRequest(1, new float[2 * size], [0, 0], [0f, 0f], [false, false]);
        Assert.Contains("outside the server's copies 2..3", (await Assert.ThrowsAsync<ArgumentException>(() => server.ActAsync(before))).Message);
        Assert.Throws<ArgumentException>(() => new InferenceServer(config, agent, store, 1, CPU, firstCopy: 5, copyCount: 2));
    }

    [Fact]
    public void Weighted_moments_track_a_shifted_stream()
    {
        var moments = new RunningMoments(0.99);
        for (var i = 0; i < 2000; i++) moments.Add(i % 2 == 0 ? 9 : 11);
        Assert.Equal(10, moments.Mean, 1);
        Assert.Equal(1, moments.StandardDeviation, 1);
        for (var i = 0; i < 2000; i++) moments.Add(i % 2 == 0 ? 0.9 : 1.1);
        Assert.Equal(1, moments.Mean, 1);
    }
}
