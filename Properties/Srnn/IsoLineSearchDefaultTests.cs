using Pipeline.Recipes;
using Xunit;

namespace Pipeline.Properties.Srnn;

/// <summary>
/// ISO's L-BFGS is line-searched by default (the paper code's scipy L-BFGS-B); a run written while the fixed unit steps
/// were the default resumes with <c>--set iso-line-search=false</c>, which gives back its config hash.
/// </summary>
public class IsoLineSearchDefaultTests
{
    static string Hash(string recipe, params string[] assignments) =>
        RecipeRegistry.Find(recipe)!.Prepare(assignments, 0, 1).Match(run => run.ConfigHash, errors => throw new InvalidOperationException(string.Join("; ", errors)));

    [Theory]
    // Recorded by `run <recipe> --steps 1 --set ...` with the build before the default changed (cb15962).
    [InlineData("srnn-oscillator", "a0b956eebcd1cadb", new[] { "iso=test" })]
    [InlineData("srnn-chain", "110bb3da34fc82b1", new[] { "hidden=16", "iso=test" })]
    public void Setting_it_false_keeps_the_hash_of_runs_written_when_false_was_the_default(string recipe, string recorded, string[] assignments)
    {
        Assert.Equal(recorded, Hash(recipe, [.. assignments, "iso-line-search=false"]));
        Assert.NotEqual(recorded, Hash(recipe, assignments));
        Assert.Equal(Hash(recipe, assignments), Hash(recipe, [.. assignments, "iso-line-search=true"]));
    }
}
