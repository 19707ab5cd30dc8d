using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Xunit;

namespace Pipeline.Properties.Ali;

public class AliRecipeTests
{
    static readonly string[] Tiny =
    [
        "encoder-hidden=16", "decoder-hidden=16", "decoder-layers=2", "discriminator-hidden=8", "discriminator-layers=2",
        "maxout-pieces=3", "batch-size=32", "eval-samples=500", "device=cpu",
    ];

    static PreparedRun Prepare(string recipe, long steps, params string[] sets)
    {
        var prepared = RecipeRegistry.Find(recipe)!.Prepare(sets, 3, steps);
        Assert.True(prepared.IsSuccess, string.Join("; ", prepared.FailToSeq()));
        return prepared.IfFail(_ => throw new InvalidOperationException());
    }

    static RunOutcome Run(PreparedRun run, RunDirectory directory, bool resume = false) =>
        TrainingRunner.Run(run, directory, resume, false, [], _ => { }).GetAwaiter().GetResult();

    static string Folder() => Path.Combine(Directory.CreateTempSubdirectory("ali-").FullName, "run");

    [Theory]
    [InlineData("ali-mixture", "encoder=vae", "encoder")]
    [InlineData("ali-mixture", "maxout-pieces=0", "maxout-pieces")]
    [InlineData("ali-mixture", "batch-size=1", "batch-size")]
    [InlineData("ali-mixture", "discriminator-dropout=1", "discriminator-dropout")]
    [InlineData("ali-mixture", "learning-rate=NaN", "learning-rate")]
    [InlineData("ali-mixture", "eval-samples=10", "eval-samples")]
    [InlineData("gan-mixture", "init-std=0", "init-std")]
    [InlineData("gan-mixture", "beta1=1", "beta1")]
    [InlineData("ali-mnist", "latent-dim=0", "latent-dim")]
    [InlineData("ali-mnist", "decoder-output=tanh", "decoder-output")]
    public void Invalid_hyperparameters_are_refused_naming_the_field(string recipe, string assignment, string field)
    {
        var errors = RecipeRegistry.Find(recipe)!.Prepare([assignment], 0, 10).FailToSeq();
        Assert.Contains(errors, e => e.Message.Contains(field));
    }

    [Theory]
    [InlineData("ali-mixture")]
    [InlineData("gan-mixture")]
    public void A_resumed_run_equals_the_uninterrupted_run(string recipe)
    {
        string[] sets = [.. Tiny.Where(s => recipe == "ali-mixture" || !s.StartsWith("encoder")), "eval-every=10", "checkpoint-every=10"];
        var whole = Run(Prepare(recipe, 30, sets), RunDirectory.CreateNew(Folder(), recipe, 3));
        var folder = Folder();
        Run(Prepare(recipe, 20, sets), RunDirectory.CreateNew(folder, recipe, 3));
        var resumed = Run(Prepare(recipe, 30, sets), RunDirectory.Open(folder), resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Result.Status);
        Assert.Equal(20, resumed.StartStep);
        Assert.Equal(File.ReadAllText(whole.Directory.MetricsJsonl), File.ReadAllText(resumed.Directory.MetricsJsonl));
        var eval = whole.Final["eval"];
        Assert.InRange(eval["modes"], 1, 25);
        Assert.InRange(eval["high_quality"], 0, 1);
        if (recipe == "ali-mixture") Assert.InRange(eval["reconstruction_same_mode"], 0, 1);
    }

    [Fact]
    public void An_MNIST_run_writes_sample_and_reconstruction_grids()
    {
        var outcome = Run(Prepare("ali-mnist", 4, "encoder-hidden=16", "decoder-hidden=16", "discriminator-hidden=8", "latent-dim=4",
            "train-limit=500", "eval-every=2", "device=cpu"), RunDirectory.CreateNew(Folder(), "ali-mnist", 3));
        Assert.Equal(RunStatus.Completed, outcome.Result.Status);
        foreach (var folder in new[] { "samples", "reconstructions" })
        {
            var grids = Directory.GetFiles(Path.Combine(outcome.Directory.Path, folder), "*.png").Order().ToArray();
            Assert.Equal(["step-0000002.png", "step-0000004.png"], grids.Select(Path.GetFileName));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(grids[0])[..4]);
        }
        Assert.InRange(outcome.Final["eval"]["reconstruction_mse"], 0, 1);
    }
}
