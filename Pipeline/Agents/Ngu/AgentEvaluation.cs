using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Stages.Parameters;
using static TorchSharp.torch;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// A trained agent played on fresh episodes, apart from training: the learner's online networks act through the same
/// <see cref="InferenceServer"/> as in training (episodic memory, RND multiplier, recurrent state), every copy with one
/// epsilon and the exploitative policy beta_0 (the NGU paper evaluates the Disco Maze with epsilon 0), or with the run's
/// own per-actor epsilons and policies. The
/// training metrics average every actor, including those with epsilon 0.4 that step into walls often; this measures
/// the policy itself. Each copy contributes its first <c>episodesPerCopy</c> episodes, so short episodes are not
/// over-counted. A run evaluates this way every <see cref="NguAgentConfig.EvaluateEvery"/> updates (phase "eval").
/// </summary>
public static class AgentEvaluation
{
    public sealed record Result(IReadOnlyList<EpisodeSummary> Episodes)
    {
        public double MeanVisited => Episodes.Average(e => e.VisitedFraction);
        public double VisitedStandardError => StandardError(Episodes.Select(e => e.VisitedFraction).ToArray());
        public double MeanLength => Episodes.Average(e => e.Length);
        public double MeanReturn => Episodes.Average(e => e.Return);
        public double SolvedFraction => Episodes.Average(e => e.Solved ? 1.0 : 0.0);

        /// <summary>The "eval" metrics of a run; the standard error only where there are two episodes or more.</summary>
        public IReadOnlyList<KeyValuePair<string, double>> Metrics()
        {
            var metrics = new List<KeyValuePair<string, double>> { new("visited_fraction", MeanVisited) };
            if (double.IsFinite(VisitedStandardError)) metrics.Add(new("visited_fraction_se", VisitedStandardError));
            metrics.AddRange([new("length", MeanLength), new("return", MeanReturn), new("solved_fraction", SolvedFraction), new("episodes", Episodes.Count)]);
            return metrics;
        }

        static double StandardError(double[] values)
        {
            if (values.Length < 2) return double.NaN;
            var mean = values.Average();
            return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) / values.Length);
        }
    }

    /// <param name="epsilon">every copy's epsilon, in [0, 1]; null: the run's per-actor schedule over <paramref name="copies"/> copies.</param>
    /// <param name="device">where the evaluation's networks run (the learner's own device during training).</param>
    /// <param name="statistics">the training actors' life-long reward statistics, which the evaluation's intrinsic rewards
    /// start from (pooled over its copies), as an evaluating actor of the paper's agent has its own running ones; null:
    /// they start afresh (a checkpoint without them).</param>
    public static Result Run(NguConfig config, NguAgentConfig agent, NguLearnerState learner, int copies, int episodesPerCopy, double? epsilon, ulong seed,
        Device? device = null, ActorStatistics? statistics = null)
    {
        if (copies < 1 || episodesPerCopy < 1)
            throw new ArgumentOutOfRangeException(nameof(episodesPerCopy), $"copies ({copies}) and episodes per copy ({episodesPerCopy}) must be at least 1");
        if (epsilon is { } e && !(e is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must lie in [0, 1]");
        var player = agent with { Copies = copies, ActorGroups = 1 };
        if (epsilon is { } fixedEpsilon) player = player with { EpsilonBase = fixedEpsilon, EpsilonAlpha = 0 };
        using var store = new ParameterStore<ParameterSnapshot>();
        store.Publish(learner.Online.Snapshot(learner.Updates), learner.Updates); // the server reads it before its first batch
        // With one epsilon every copy plays the exploitative policy beta_0, as the paper's evaluator reports (irm_ngu.md 2.7);
        // the run's per-actor schedule plays the training actors' policies too.
        using var server = new InferenceServer(config, player, store, (int)(seed % int.MaxValue), device ?? CPU, resumed: statistics?.Pooled(copies),
            policy: epsilon is null ? null : 0);
        var environment = agent.CreateEnvironment(copies, 0);
        var size = environment.ObservationSize;
        var (observations, next) = (new float[copies * size], new float[copies * size]);
        var (rewards, terminated, truncated) = (new float[copies], new bool[copies], new bool[copies]);
        var previousActions = Enumerable.Repeat(-1, copies).ToArray();
        var previousExtrinsic = new float[copies];
        var starts = Enumerable.Repeat(true, copies).ToArray();
        var (finished, kept, played) = (new List<EpisodeSummary>(), new List<EpisodeSummary>(), new int[copies]);
        environment.Reset(seed, observations);
        while (played.Min() < episodesPerCopy)
        {
            var reply = server.ActAsync(new InferenceRequest(0, observations, previousActions, previousExtrinsic, starts)).GetAwaiter().GetResult();
            environment.Step(reply.Actions, next, rewards, terminated, truncated, finished);
            for (var i = 0; i < copies; i++)
            {
                var ended = terminated[i] || truncated[i];
                (starts[i], previousActions[i], previousExtrinsic[i]) = (ended, ended ? -1 : reply.Actions[i], ended ? 0 : rewards[i]);
            }
            foreach (var episode in finished)
                if (played[episode.Copy]++ < episodesPerCopy) kept.Add(episode);
            finished.Clear();
            (observations, next) = (next, observations);
        }
        return new Result(kept);
    }
}
