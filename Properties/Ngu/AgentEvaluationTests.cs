using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Ngu;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>Evaluating an agent plays each copy's first episodes with the chosen epsilon, repeatably for a seed.</summary>
public class AgentEvaluationTests
{
    static (NguConfig Config, NguAgentConfig Agent) DeepSea()
    {
        var agent = new NguAgentConfig { Environment = "deep-sea", Size = 4, Copies = 3, ActorGroups = 1, InferenceTimeoutMs = 1 };
        return (NguAgent.WithEnvironmentSpec(NguLearnerTests.Tiny with { Hidden = 8 }, agent), agent);
    }

    /// <summary>An evaluation's server can put every copy on one policy (the exploitative beta_0, as the paper's evaluator);
    /// training servers give copy i policy i mod N.</summary>
    [Fact]
    public void A_server_can_act_with_one_policy_for_every_copy()
    {
        var (config, agent) = DeepSea();
        using var store = new Pipeline.Stages.Parameters.ParameterStore<ParameterSnapshot>();
        using (var training = new InferenceServer(config, agent, store, 1, CPU)) Assert.Equal([0, 1, 0], training.Policies);
        using (var evaluation = new InferenceServer(config, agent, store, 1, CPU, policy: 0)) Assert.Equal([0, 0, 0], evaluation.Policies);
        Assert.Throws<ArgumentOutOfRangeException>(() => new InferenceServer(config, agent, store, 1, CPU, policy: 2));
    }

    [Fact]
    public void Every_copy_plays_its_first_episodes_and_a_greedy_evaluation_repeats_for_its_seed()
    {
        var (config, agent) = DeepSea();
        using var learner = NguLearner.Init(config, 3, CPU);
        var first = AgentEvaluation.Run(config, agent, learner, copies: 3, episodesPerCopy: 2, epsilon: 0, seed: 7);
        var second = AgentEvaluation.Run(config, agent, learner, copies: 3, episodesPerCopy: 2, epsilon: 0, seed: 7);
        Assert.Equal(6, first.Episodes.Count);
        Assert.All(Enumerable.Range(0, 3), copy => Assert.Equal(2, first.Episodes.Count(e => e.Copy == copy)));
        Assert.All(first.Episodes, e => Assert.Equal(4, e.Length)); // a DeepSea episode is N steps
        Assert.Equal(first.Episodes, second.Episodes);
    }

    [Fact]
    public void Epsilon_one_plays_uniformly_random_actions()
    {
        // DeepSea rewards the all-right walk only; with random actions about 1 in 2^4 episodes of 4 steps finds it, while the
        // greedy policy of fresh networks plays one fixed walk per copy. So random play yields both outcomes over 96 episodes.
        var (config, agent) = DeepSea();
        using var learner = NguLearner.Init(config, 3, CPU);
        var random = AgentEvaluation.Run(config, agent, learner, copies: 3, episodesPerCopy: 32, epsilon: 1, seed: 11);
        Assert.InRange(random.SolvedFraction, 0.01, 0.2);
    }

    [Theory]
    [InlineData(0, 1, 0.0)]
    [InlineData(2, 0, 0.0)]
    [InlineData(2, 1, 1.5)]
    [InlineData(2, 1, -0.1)]
    public void Bad_arguments_are_refused(int copies, int episodes, double epsilon)
    {
        var (config, agent) = DeepSea();
        using var learner = NguLearner.Init(config, 3, CPU);
        Assert.Throws<ArgumentOutOfRangeException>(() => AgentEvaluation.Run(config, agent, learner, copies, episodes, epsilon, 1));
    }
}
