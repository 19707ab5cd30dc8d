using Pipeline.Recipes.Ngu;
using Pipeline.Reproductions.Ngu;
using Xunit;

namespace Pipeline.Properties.Ngu;

/// <summary>
/// NGU's embedding network, trained by inverse dynamics on random legal walks, predicts the moves of a small (5 x 5)
/// Disco Maze from unseen transitions: the probe's training path works, so its plateau at ln 4 on the 21 x 21 grid
/// (docs/NGU.md) is the flattened torso's difficulty at that size, not a broken pipeline. Seeds 0-2 reach 1.000 by
/// update 200. With keypoints the same network learns the paper's 21 x 21 maze within a few hundred updates.
/// </summary>
public class InverseDynamicsProbeTests
{
    [Fact]
    public void The_embedding_learns_the_moves_of_a_small_disco_maze()
    {
        var points = InverseDynamicsProbe.Run(NguRecipes.DiscoDefaults, 250, 16, 10, staticWalls: false, seed: 1, rooms: 2);
        var first = points.Take(20).Average(p => p.Accuracy);
        var last = points.Skip(200).Average(p => p.Accuracy);
        Assert.True(first < 0.6 && last > 0.9, $"accuracy on unseen transitions: first 20 updates {first:F3}, last 50 {last:F3}");
        Assert.Throws<ArgumentException>(() => InverseDynamicsProbe.Run(NguRecipes.DiscoDefaults, 0, 16, 10, false, 0));
    }

    [Fact]
    public void With_keypoints_the_embedding_learns_the_moves_of_the_paper_sized_maze()
    {
        var config = NguRecipes.DiscoDefaults with { EmbeddingKeypoints = true };
        var points = InverseDynamicsProbe.Run(config, 400, 16, 10, staticWalls: false, seed: 1, rooms: 10);
        var first = points.Take(50).Average(p => p.Accuracy);
        var last = points.Skip(350).Average(p => p.Accuracy);
        Assert.True(first < 0.5 && last > 0.9, $"21 x 21 accuracy on unseen transitions: first 50 updates {first:F3}, last 50 {last:F3}");
    }
}
