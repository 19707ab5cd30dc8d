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
            // No policy here reaches a goal or touches a wall, so every copy's first episode is cut at the limit.
            Assert.Equal(Enumerable.Repeat(expected, 4), lengths);
        }
    }

    /// <summary>
    /// Lengths of the episodes that end within <paramref name="steps"/> steps: Mountain Car without pushing, the
    /// key-door maze pushing left (a blocked move stays put), the Disco Maze stepping to an open neighbour every step.
    /// </summary>
    static List<int> EpisodeLengths(IVectorEnvironment environment, int steps)
    {
        var observations = new float[environment.Count * environment.ObservationSize];
        var (rewards, terminated, truncated) = (new float[environment.Count], new bool[environment.Count], new bool[environment.Count]);
        var actions = new int[environment.Count];
        var finished = new List<EpisodeSummary>();
        environment.Reset(7, observations);
        for (var step = 0; step < steps; step++)
        {
            for (var copy = 0; copy < environment.Count; copy++)
                actions[copy] = environment switch
                {
                    SparseMountainCar => SparseMountainCar.NoPush,
                    DiscoMaze => OpenMove(observations.AsSpan(copy * environment.ObservationSize, environment.ObservationSize), environment.ObservationShape[2]),
                    _ => 0,
                };
            environment.Step(actions, observations, rewards, terminated, truncated, finished);
        }
        return finished.Select(e => e.Length).ToList();
    }

    /// <summary>A move into an open cell: walls have red above 0, the agent is green, open cells black (DiscoMaze).</summary>
    static int OpenMove(ReadOnlySpan<float> observation, int side)
    {
        var cells = side * side;
        var agent = 0;
        while (!(observation[cells + agent] > 0 && observation[agent] == 0)) agent++;
        var (row, column) = (agent / side, agent % side);
        (int Action, int Row, int Column)[] moves =
            [(DiscoMaze.Left, row, column - 1), (DiscoMaze.Right, row, column + 1), (DiscoMaze.Up, row - 1, column), (DiscoMaze.Down, row + 1, column)];
        foreach (var (action, r, c) in moves)
            if (observation[r * side + c] == 0) return action;
        throw new InvalidOperationException("the agent has no open neighbour");
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
        // Recorded by a run of the build before max-steps (run ngu-deepsea with these settings, when samples-per-insert
        // defaulted to 0.15). The pin used to be a MountainCar run with back-to-back 10-step sequences, which left every
        // tenth step untrained and is now refused; these 40-step sequences, 20 apart, train every step.
        string[] settings = ["environment=key-door-maze", "size=5", "intrinsic=learned", "sequence-length=40", "replay-period=20", "burn-in=10",
            "evaluate-every=500", "samples-per-insert=0.15"];
        Assert.Equal("5f72e28b10f4ae18", Prepare(settings).ConfigHash);
        Assert.Equal("5f72e28b10f4ae18", Prepare([.. settings, "max-steps=0"]).ConfigHash);
        Assert.NotEqual("5f72e28b10f4ae18", Prepare([.. settings, "max-steps=200"]).ConfigHash);
    }
}
