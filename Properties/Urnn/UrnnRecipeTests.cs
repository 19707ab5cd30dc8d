using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Xunit;

namespace Pipeline.Properties.Urnn;

public class UrnnRecipeTests
{
    static PreparedRun Prepare(long steps, string model) =>
        RecipeRegistry.Find("urnn-copy")!.Prepare([$"model={model}", "hidden=8", "delay=5", "batch-size=4", "eval-every=3", "checkpoint-every=3", "eval-sequences=8", "device=cpu"], 2, steps)
            .IfFail(errors => throw new InvalidOperationException(string.Join("; ", errors)));

    static RunOutcome Run(PreparedRun run, RunDirectory directory, bool resume = false) =>
        TrainingRunner.Run(run, directory, resume, false, [], _ => { }).GetAwaiter().GetResult();

    /// <summary>The uRNN's permutation is drawn at initialisation; the checkpoint must carry it for resume to be exact.</summary>
    [Theory]
    [InlineData("urnn")]
    [InlineData("lstm")]
    [InlineData("urnn-full")]
    public void A_resumed_run_equals_the_uninterrupted_one(string model)
    {
        string Folder() => Path.Combine(Directory.CreateTempSubdirectory("urnn-").FullName, "run");
        var whole = Run(Prepare(9, model), RunDirectory.CreateNew(Folder(), "urnn-copy", 2));
        var folder = Folder();
        Run(Prepare(6, model), RunDirectory.CreateNew(folder, "urnn-copy", 2));
        var resumed = Run(Prepare(9, model), RunDirectory.Open(folder), resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Result.Status);
        Assert.Equal(6, resumed.StartStep);
        Assert.Equal(File.ReadAllText(whole.Directory.MetricsJsonl), File.ReadAllText(resumed.Directory.MetricsJsonl));
    }
}
