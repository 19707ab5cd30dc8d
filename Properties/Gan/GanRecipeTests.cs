using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Xunit;

namespace Pipeline.Properties.Gan;

public class GanRecipeTests
{
    static PreparedRun Prepare(string recipe, long steps, params string[] sets)
    {
        var prepared = RecipeRegistry.Find(recipe)!.Prepare([.. sets, "device=cpu"], 3, steps);
        Assert.True(prepared.IsSuccess, string.Join("; ", prepared.FailToSeq()));
        return prepared.IfFail(_ => throw new InvalidOperationException());
    }

    static RunOutcome Run(PreparedRun run, RunDirectory directory, bool resume = false) =>
        TrainingRunner.Run(run, directory, resume, false, [], _ => { }).GetAwaiter().GetResult();

    static string Folder() => Path.Combine(Directory.CreateTempSubdirectory("gan-").FullName, "run");

    [Theory]
    [InlineData("wgan-gp-toy", "critic-steps=0", "critic-steps")]
    [InlineData("wgan-gp-toy", "lambda=-1", "lambda")]
    [InlineData("wgan-toy", "clip=-0.01", "clip")]
    [InlineData("wgan-toy", "learning-rate=NaN", "learning-rate")]
    [InlineData("gan-toy", "generator-cost=softmax", "generator-cost")]
    [InlineData("gan-toy", "instance-noise=-1", "instance-noise")]
    [InlineData("gan-toy", "dataset=moons", "dataset")]
    public void Invalid_hyperparameters_are_refused_naming_the_field(string recipe, string assignment, string field)
    {
        var errors = RecipeRegistry.Find(recipe)!.Prepare([assignment], 0, 10).FailToSeq();
        Assert.Contains(errors, e => e.Message.Contains(field));
    }

    /// <summary>WGAN with the reference schedule (100 critic steps early): the data of a resumed run lines up exactly.</summary>
    [Fact]
    public void A_resumed_WGAN_with_a_varying_critic_schedule_equals_the_uninterrupted_run()
    {
        string[] sets = ["hidden=8", "hidden-layers=1", "batch-size=16", "reference-schedule=true", "eval-every=10", "checkpoint-every=10", "eval-samples=200"];
        var whole = Run(Prepare("wgan-toy", 30, sets), RunDirectory.CreateNew(Folder(), "wgan-toy", 3));
        var folder = Folder();
        Run(Prepare("wgan-toy", 20, sets), RunDirectory.CreateNew(folder, "wgan-toy", 3));
        var resumed = Run(Prepare("wgan-toy", 30, sets), RunDirectory.Open(folder), resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Result.Status);
        Assert.Equal(20, resumed.StartStep);
        Assert.Equal(File.ReadAllText(whole.Directory.MetricsJsonl), File.ReadAllText(resumed.Directory.MetricsJsonl));
        Assert.Contains("\"critic_steps\":100", File.ReadAllText(whole.Directory.MetricsJsonl));
    }

    [Fact]
    public void A_MNIST_GAN_run_writes_sample_grids_as_PNG()
    {
        var outcome = Run(Prepare("wgan-gp-mnist", 4, "hidden=16", "train-limit=500", "eval-every=2", "critic-steps=1"), RunDirectory.CreateNew(Folder(), "wgan-gp-mnist", 3));
        Assert.Equal(RunStatus.Completed, outcome.Result.Status);
        var grids = Directory.GetFiles(Path.Combine(outcome.Directory.Path, "samples"), "*.png").Order().ToArray();
        Assert.Equal(["step-0000002.png", "step-0000004.png"], grids.Select(Path.GetFileName));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(grids[0])[..4]);
    }
}
