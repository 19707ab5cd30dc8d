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
