using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using Xunit;

namespace Pipeline.Properties.Runs;

/// <summary>Small real runs of the MNIST recipe (a 2,048-example subset, a narrow MLP) in temporary folders.</summary>
static class SmallRuns
{
    public static readonly string[] Small =
        ["train-limit=2048", "hidden=32", "batch-size=32", "eval-every=20", "checkpoint-every=20", "device=cpu"];

    public static PreparedRun Prepare(long steps, int seed = 7, params string[] extra)
    {
        var prepared = RecipeRegistry.Find("mnist-mlp")!.Prepare([.. Small, .. extra], seed, steps);
        Assert.True(prepared.IsSuccess, string.Join("; ", prepared.FailToSeq()));
        return prepared.IfFail(_ => throw new InvalidOperationException());
    }

    public static RunOutcome Run(PreparedRun run, RunDirectory directory, bool resume = false, Sink<RunEvent>[]? extra = null,
        CancellationToken cancellation = default, bool allowConfigChange = false) =>
        TrainingRunner.Run(run, directory, resume, allowConfigChange, extra ?? [], _ => { }, cancellation).GetAwaiter().GetResult();

    public static string NewFolder() => Path.Combine(Directory.CreateTempSubdirectory("run-").FullName, "run");
}
