using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Xunit;

namespace Pipeline.Properties.Urnn;

public class UrnnMnistRecipeTests
{
    static readonly string[] Small =
        ["hidden=8", "side=7", "train-limit=200", "batch-size=8", "eval-every=3", "checkpoint-every=3", "eval-sequences=40", "device=cpu"];

    static PreparedRun Prepare(long steps, params string[] extra) =>
        RecipeRegistry.Find("urnn-mnist")!.Prepare([.. Small, .. extra], 3, steps)
            .IfFail(errors => throw new InvalidOperationException(string.Join("; ", errors)));

    static RunOutcome Run(PreparedRun run, RunDirectory directory, bool resume = false) =>
        TrainingRunner.Run(run, directory, resume, false, [], _ => { }).GetAwaiter().GetResult();

    /// <summary>Batches are addressed by (seed, step) and the permutation by its seed: resume must be exact on real MNIST.</summary>
    [Theory]
    [InlineData("urnn", "false")]
    [InlineData("irnn", "true")]
    public void A_resumed_pixel_mnist_run_equals_the_uninterrupted_one(string model, string permuted)
    {
        string Folder() => Path.Combine(Directory.CreateTempSubdirectory("urnn-mnist-").FullName, "run");
        var whole = Run(Prepare(9, $"model={model}", $"permuted={permuted}"), RunDirectory.CreateNew(Folder(), "urnn-mnist", 3));
        var folder = Folder();
        Run(Prepare(6, $"model={model}", $"permuted={permuted}"), RunDirectory.CreateNew(folder, "urnn-mnist", 3));
        var resumed = Run(Prepare(9, $"model={model}", $"permuted={permuted}"), RunDirectory.Open(folder), resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Result.Status);
        Assert.Equal(6, resumed.StartStep);
        var log = File.ReadAllText(whole.Directory.MetricsJsonl);
        Assert.Contains("\"accuracy\"", log);
        Assert.Equal(log, File.ReadAllText(resumed.Directory.MetricsJsonl));
    }

    [Theory]
    [InlineData("urnn-mnist", "side=10", "side 10 is not one of 28, 14, 7")]
    [InlineData("urnn-mnist", "hidden=0", "hidden = 0 is outside")]
    [InlineData("urnn-mnist", "hidden=-3", "hidden = -3 is outside")]
    [InlineData("urnn-adding", "length=0", "length = 0 is outside")]
    [InlineData("urnn-adding", "length=-5", "length = -5 is outside")]
    [InlineData("urnn-copy", "delay=0", "delay = 0 is outside")]
    [InlineData("urnn-copy", "model=gru", "model = 'gru' is not one of urnn, urnn-full, lstm, tanh, irnn")]
    public void Bad_settings_are_refused_naming_the_value(string recipe, string setting, string message)
    {
        var errors = RecipeRegistry.Find(recipe)!.Prepare([setting], 0, 10).FailToSeq();
        Assert.Contains(errors, e => e.Message.Contains(message));
    }

    [Fact]
    public void Pixel_mnist_with_more_than_one_input_per_step_is_refused_naming_it()
    {
        var directory = RunDirectory.CreateNew(Path.Combine(Directory.CreateTempSubdirectory("urnn-mnist-").FullName, "run"), "urnn-mnist", 3);
        var error = Record.Exception(() => Run(Prepare(3, "inputs=2"), directory).Result.ThrowIfFailed());
        Assert.Contains("inputs must be 1, not 2", error?.ToString());
    }
}
