using Pipeline.Recipes;
using Pipeline.Recipes.Srnn;
using Xunit;

namespace Pipeline.Properties.Srnn;

/// <summary>
/// Single-step training splits each window into its consecutive pairs, so on overlapping windows (the three-body's
/// 5-state windows) a middle transition would count up to four times and an end one once. Such configs are refused;
/// window=2 gives the paper's data, every pair of consecutive states once.
/// </summary>
public class SingleStepDataTests
{
    static LanguageExt.Validation<LanguageExt.Common.Error, PreparedRun> Prepare(string recipe, params string[] settings) =>
        RecipeRegistry.Find(recipe)!.Prepare(settings, 0, 10);

    [Fact]
    public void Single_step_training_on_overlapping_windows_is_refused_by_name()
    {
        var message = Prepare("srnn-three-body", "training=single-step").Match(_ => "", errors => string.Join("; ", errors.Select(e => e.Message)));
        Assert.Contains("training=single-step on overlapping windows of 5 states", message);
        Assert.Contains("set window=2", message);
    }

    [Fact]
    public void Pairs_of_the_three_body_are_the_papers_900_and_whole_chain_trajectories_do_not_overlap()
    {
        var pairs = Prepare("srnn-three-body", "training=single-step", "window=2").IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        Assert.Equal(900, ((PhysicsDataConfig)pairs.Data).WindowCount);
        Assert.Equal(600, ((PhysicsDataConfig)Prepare("srnn-three-body").IfFail(_ => throw new InvalidOperationException()).Data).WindowCount);
        Assert.True(Prepare("srnn-chain", "training=single-step").IsSuccess);
        Assert.True(Prepare("srnn-three-body", "training=recurrent").IsSuccess);
    }
}
