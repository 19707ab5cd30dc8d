using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Reproductions.Ngu;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.Properties.Ngu;

/// <summary>
/// The scripted-walk diagnostic of the Disco Maze finding, with two oracle embeddings: the agent's cell (a perfectly
/// controllable state) must make the depth-first walk far more novel than oscillating; the raw observation (which
/// keeps the changing wall colours) must find the two about equally novel. A walk that stepped into a wall would throw.
/// </summary>
public class WalkNoveltyTests(ITestOutputHelper output)
{
    static readonly EpisodicKernel Kernel = new NguConfig { KernelEpsilon = 0.01 }.Kernel;

    [Fact]
    public void A_controllable_embedding_rewards_depth_first_walks_and_raw_observations_reward_both()
    {
        var environment = new DiscoMaze(new DiscoMazeConfig(), 8);
        var (size, side) = (environment.ObservationSize, environment.ObservationShape[^1]);
        float[] Cells(float[] observations)
        {
            var embedding = new float[environment.Count * 2];
            for (var copy = 0; copy < environment.Count; copy++)
                for (var c = 0; c < side * side; c++)
                    if (observations[copy * size + c] == 0 && observations[copy * size + side * side + c] == 1)
                        (embedding[2 * copy], embedding[2 * copy + 1]) = (c % side, c / side);
            return embedding;
        }
        var controllable = WalkNovelty.Measure(Kernel, 1000, 2, Cells, environment, 16, 30, 7);
        var raw = WalkNovelty.Measure(Kernel, 1000, size, observations => (float[])observations.Clone(), environment, 16, 30, 7);
        output.WriteLine($"cells: {controllable}, ratio {controllable.Ratio:F2}; raw: {raw}, ratio {raw.Ratio:F2}");
        Assert.True(controllable.Ratio > 2, $"cells: oscillate {controllable.Oscillate}, depth-first {controllable.DepthFirst}; raw: {raw}");
        Assert.True(raw.Ratio is > 0.7 and < 1.4, $"raw: oscillate {raw.Oscillate}, depth-first {raw.DepthFirst}");
    }

    /// <summary>On a 5 x 5 maze a 40-step depth-first walk covers every cell and starts over instead of failing.</summary>
    [Fact]
    public void Walks_longer_than_a_small_maze_keep_going()
    {
        var environment = new DiscoMaze(new DiscoMazeConfig { Rooms = 2 }, 4);
        var result = WalkNovelty.Measure(Kernel, 1000, environment.ObservationSize, observations => (float[])observations.Clone(), environment, 4, 40, 3);
        Assert.True(double.IsFinite(result.Oscillate) && double.IsFinite(result.DepthFirst) && result.DepthFirst > 0);
    }
}
