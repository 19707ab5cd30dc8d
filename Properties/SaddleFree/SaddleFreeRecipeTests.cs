using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Xunit;

namespace Pipeline.Properties.SaddleFree;

/// <summary>The saddle-toy and sfn-autoencoder recipes through the whole pipeline, in temporary folders.</summary>
public class SaddleFreeRecipeTests
{
    static PreparedRun Prepare(string recipe, long steps, params string[] sets)
    {
        var prepared = RecipeRegistry.Find(recipe)!.Prepare(sets, 3, steps);
        Assert.True(prepared.IsSuccess, string.Join("; ", prepared.FailToSeq()));
        return prepared.IfFail(_ => throw new InvalidOperationException());
    }

    static RunOutcome Run(PreparedRun run, string folder) =>
        TrainingRunner.Run(run, RunDirectory.CreateNew(folder, run.Recipe, run.Seed), false, false, [], _ => { }).GetAwaiter().GetResult();

    static string Folder() => Path.Combine(Directory.CreateTempSubdirectory("sfn-").FullName, "run");

    [Theory]
    [InlineData("saddle-toy", "krylov-dimension=1", "krylov-dimension")]
    [InlineData("saddle-toy", "krylov-dimension=3", "krylov-dimension = 3 exceeds the 2 parameters")]
    [InlineData("saddle-toy", "damping=0", "damping = 0 must be > 0")]
    [InlineData("saddle-toy", "problem=himmelblau", "problem")]
    [InlineData("sfn-autoencoder", "encoder=128,-4", "encoder")]
    [InlineData("sfn-autoencoder", "damping=-1", "damping")]
    [InlineData("sfn-autoencoder", "start-from=/no/such/run", "start-from")]
    public void Invalid_settings_are_refused_naming_the_field(string recipe, string assignment, string message)
    {
        // The second-order rules apply when a second-order optimizer is chosen, and the Krylov dimension only to the Krylov solvers.
        var sets = recipe == "sfn-autoencoder" ? new[] { assignment, "optimizer=sfn" } : [assignment, "solver=krylov"];
        Assert.Contains(RecipeRegistry.Find(recipe)!.Prepare(sets, 0, 10).FailToSeq(), e => e.Message.Contains(message));
    }

    /// <summary>Dauphin et al.'s example through the pipeline: one undamped SFN step from (1, 0.5) on x^2 - y^2 lands on (0, 1).</summary>
    [Fact]
    public void On_x2_minus_y2_one_SFN_step_goes_from_1_05_to_0_1()
    {
        var outcome = Run(Prepare("saddle-toy", 1, "damping-rule=fixed", "damping=1e-9", "min-damping=1e-9"), Folder());
        Assert.Equal(RunStatus.Completed, outcome.Result.Status);
        var final = outcome.Final["train"];
        Assert.Equal(0, final["x"], 6);
        Assert.Equal(1, final["y"], 6);
        Assert.Equal(-1, final["objective"], 6);
    }

    /// <summary>MSGD a few steps, then SFN from its checkpoint (start-from): evaluations, the probe and timing.csv.</summary>
    [Fact]
    public void The_autoencoder_continues_from_another_run_with_saddle_free_Newton()
    {
        string[] small = ["encoder=16,4", "train-limit=300", "eval-examples=100", "test-examples=100", "probe-examples=100", "probe-dimension=4", "device=cpu"];
        var plateau = Run(Prepare("sfn-autoencoder", 4, [.. small, "eval-every=2"]), Folder());
        Assert.Equal(RunStatus.Completed, plateau.Result.Status);
        string[] sfnSettings = [.. small, "optimizer=sfn", "krylov-dimension=5", "batch-size=100", "eval-every=1"];
        var sfn = Run(Prepare("sfn-autoencoder", 2, [.. sfnSettings, $"start-from={plateau.Directory.Path}"]), Folder());
        var fresh = Run(Prepare("sfn-autoencoder", 1, sfnSettings), Folder());
        Assert.Equal(RunStatus.Completed, sfn.Result.Status);
        var eval = sfn.Final["eval"];
        Assert.Equal(2, eval["gradient_evaluations"]);
        Assert.Equal(10, eval["hvps_total"]);
        Assert.True(eval["lambda_min"] <= eval["lambda_max"]);
        // The continuation starts at the plateau's weights: on the same first batch its loss differs from a fresh model's.
        double FirstLoss(RunOutcome o) => MetricsLog.Read(o.Directory.MetricsJsonl).First(p => p.Phase == "train" && p.Metric == "loss").Value;
        Assert.NotEqual(FirstLoss(fresh), FirstLoss(sfn));
        var timing = File.ReadAllLines(Path.Combine(sfn.Directory.Path, "timing.csv"));
        Assert.Equal(["step", "1", "2"], timing.Select(l => l.Split(',')[0]));
    }
}
