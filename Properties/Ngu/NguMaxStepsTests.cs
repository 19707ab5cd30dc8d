using LanguageExt;
using Pipeline.Agents.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Recipes;
using Xunit;

namespace Pipeline.Properties.Ngu;

/// <summary>The <c>max-steps</c> key: episodes are truncated where it says, DeepSea refuses it, and leaving it 0 keeps old hashes.</summary>
public class NguMaxStepsTests
{
    static PreparedRun Prepare(params string[] settings) =>
        RecipeRegistry.Find("ngu-deepsea")!.Prepare(settings, 0, 200).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));

    [Theory]
    [InlineData("sparse-mountain-car", 1000)]
    [InlineData("key-door-maze", 300)]
    [InlineData("disco-maze", 500)]
    public void Episodes_end_after_max_steps_or_the_environments_own_limit(string environment, int ownLimit)
    {
        foreach (var (maxSteps, expected) in new[] { (0, ownLimit), (37, 37) })
        {
            var config = new NguAgentConfig { Environment = environment, Size = 3, MaxSteps = maxSteps };
            var lengths = EpisodeLengths(config.CreateEnvironment(4, 0), expected + 1);
            // Mountain Car pushing nowhere never reaches the goal, and a maze copy may stop early at a wall or the goal:
            // no episode may last longer than the limit, and some must reach it exactly.
            Assert.All(lengths, length => Assert.InRange(length, 1, expected));
            if (environment != "disco-maze") Assert.Contains(expected, lengths);
        }
    }

    /// <summary>Lengths of the episodes that end within <paramref name="steps"/> steps of "no push" / a fixed action.</summary>
    static List<int> EpisodeLengths(IVectorEnvironment environment, int steps)
    {
        var observations = new float[environment.Count * environment.ObservationSize];
        var (rewards, terminated, truncated) = (new float[environment.Count], new bool[environment.Count], new bool[environment.Count]);
        var actions = Enumerable.Repeat(environment.ActionCount == 3 ? SparseMountainCar.NoPush : 0, environment.Count).ToArray();
        var finished = new List<EpisodeSummary>();
        environment.Reset(7, observations);
        for (var step = 0; step < steps; step++) environment.Step(actions, observations, rewards, terminated, truncated, finished);
        return finished.Select(e => e.Length).ToList();
    }

    [Fact]
    public void DeepSea_refuses_max_steps_by_name()
    {
        var result = RecipeRegistry.Find("ngu-deepsea")!.Prepare(["max-steps=20"], 0, 10);
        var message = result.Match(_ => "", errors => string.Join("; ", errors));
        Assert.Contains("max-steps (20) does not apply to deep-sea", message);
    }

    [Fact]
    public void Leaving_max_steps_0_keeps_the_hash_a_run_had_before_the_key_existed()
    {
        // Recorded by a run of the build before max-steps (run ngu-deepsea --set environment=sparse-mountain-car
        // --set intrinsic=none --set evaluate-every=100 --steps 200), whose samples-per-insert default was 0.15.
        string[] settings = ["environment=sparse-mountain-car", "intrinsic=none", "evaluate-every=100", "samples-per-insert=0.15"];
        Assert.Equal("504b381d0e391e36", Prepare(settings).ConfigHash);
        Assert.Equal("504b381d0e391e36", Prepare([.. settings, "max-steps=0"]).ConfigHash);
        Assert.NotEqual("504b381d0e391e36", Prepare([.. settings, "max-steps=200"]).ConfigHash);
    }
}
