using LanguageExt;
using Pipeline.Algorithms.Ngu;
using Pipeline.Recipes;
using Xunit;

namespace Pipeline.Properties.Ngu;

/// <summary>What an NGU run records as its config: the networks' shapes of the environment it runs, not the recipe's defaults.</summary>
public class NguRecipeConfigTests
{
    [Theory]
    [InlineData("ngu-deepsea", new[] { "environment=key-door-maze", "size=5", "sequence-length=11" }, new[] { 5, 11, 11 }, 4, true)]
    [InlineData("ngu-deepsea", new[] { "size=7" }, new[] { 1, 7, 7 }, 2, true)]
    [InlineData("ngu-disco", new string[0], new[] { 3, 21, 21 }, 4, true)]
    [InlineData("ngu-disco", new[] { "environment=sparse-mountain-car" }, new[] { 2 }, 3, false)]
    public void The_prepared_config_has_the_environments_observation_shape_and_actions(string recipe, string[] settings, int[] shape, int actions, bool bytes)
    {
        var prepared = RecipeRegistry.Find(recipe)!.Prepare(settings, 0, 10).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var spec = Assert.IsType<NguConfig>(prepared.Config).Spec;
        Assert.Equal(shape, spec.ObservationShape);
        Assert.Equal(actions, spec.ActionCount);
        Assert.Equal(bytes, spec.ByteObservations);
    }
}
