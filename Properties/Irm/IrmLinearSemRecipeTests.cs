using Pipeline.Algorithms.Irm;
using Pipeline.Recipes;
using Pipeline.Runs;
using Xunit;

namespace Pipeline.Properties.Irm;

/// <summary>irm-linear-sem: bad settings refused naming the field; small runs deterministic and exactly resumable.</summary>
public class IrmLinearSemRecipeTests
{
    static readonly IRecipe Recipe = IrmLinearSemRecipe.Create();

    static string Errors(params string[] assignments) => string.Join("\n", Recipe.Prepare(assignments, 0, 10).FailToSeq());

    [Theory]
    [InlineData("samples=1", "samples")]
    [InlineData("samples=0", "samples")]
    [InlineData("first-environment=0", "first-environment")]
    [InlineData("validation-environment=-5", "validation-environment")]
    [InlineData("dim=7", "dim")]
    [InlineData("regs=0,2", "regs")]
    [InlineData("regs=", "regs")]
    [InlineData("regs=a,b", "regs")]
    [InlineData("reps=0", "reps")]
    [InlineData("learning-rate=NaN", "learning-rate")]
    public void Bad_values_are_refused_before_training_naming_the_field(string assignment, string key) =>
        Assert.Contains(key, Errors(assignment));

    [Fact]
    public void The_defaults_are_the_reference_settings()
    {
        var config = (LinearIrmConfig)Recipe.Prepare([], 0, 10).IfFail(_ => throw new InvalidOperationException()).Config;
        Assert.Equal((10, 1000, 0.2, 2.0, 5.0, 10, 1e-3), (config.Dim, config.Samples, config.FirstEnvironment, config.SecondEnvironment, config.ValidationEnvironment, config.Reps, config.LearningRate));
        Assert.Equal([0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1], config.RegValues);
        Assert.Equal(100_000, Recipe.DefaultSteps);
    }

    [Fact]
    public void A_small_run_is_deterministic_resumes_exactly_and_reports_both_methods()
    {
        string[] small = ["reps=2", "samples=50", "regs=0,0.01", "scramble=true", "eval-every=10", "checkpoint-every=10"];
        PreparedRun Prepare(long steps) => Recipe.Prepare(small, 4, steps).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        RunOutcome Run(PreparedRun run, RunDirectory directory, bool resume = false) =>
            TrainingRunner.Run(run, directory, resume, false, [], _ => { }).GetAwaiter().GetResult();
        string Folder() => Path.Combine(Directory.CreateTempSubdirectory("sem-").FullName, "run");

        var whole = Run(Prepare(30), RunDirectory.CreateNew(Folder(), "t", 4));
        var again = Run(Prepare(30), RunDirectory.CreateNew(Folder(), "t", 4));
        Assert.Equal(File.ReadAllBytes(whole.Directory.MetricsJsonl), File.ReadAllBytes(again.Directory.MetricsJsonl));
        var folder = Folder();
        Run(Prepare(20), RunDirectory.CreateNew(folder, "t", 4));
        var resumed = Run(Prepare(30), RunDirectory.Open(folder), resume: true);
        Assert.Equal(20, resumed.StartStep);
        Assert.Equal(File.ReadAllText(whole.Directory.MetricsJsonl), File.ReadAllText(resumed.Directory.MetricsJsonl));
        foreach (var key in new[] { "irm_causal", "irm_noncausal", "erm_causal", "erm_noncausal", "irm_causal_std", "irm_reg" })
            Assert.True(double.IsFinite(whole.Final["eval"][key]), key);
    }
}
