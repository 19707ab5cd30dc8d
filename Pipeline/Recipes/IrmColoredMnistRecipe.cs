using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Irm;
using Pipeline.Environments.Data;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;

namespace Pipeline.Recipes;

/// <summary>
/// IRMv1, ERM or the grayscale oracle on Colored MNIST (IRM paper section 5.2). <c>--set method=erm</c> or
/// <c>method=grayscale</c> starts from that method's reference hyperparameters (irm_ngu.md 1.6) rather than IRM's;
/// any other <c>--set</c> applies on top. Full batch: every step sees both training environments whole; the test
/// environment is evaluated only on logged steps (every eval-every steps from the first, and the last).
/// MNIST must have been fetched (<c>pipeline data fetch mnist</c>); this recipe does not download.
/// </summary>
public sealed class IrmColoredMnistRecipe(string? dataDirectory = null) : IRecipe
{
    public const string RecipeName = "irm-colored-mnist";

    public string Name => RecipeName;
    public string Summary => "IRMv1 / ERM / grayscale oracle on Colored MNIST, full batch (method=irm|erm|grayscale; the paper's grayscale run uses --steps 101)";
    public string Paper => "Arjovsky, Bottou, Gulrajani, Lopez-Paz 2019, Invariant Risk Minimization, section 5.2 and Table 1";
    public long DefaultSteps => 501;

    public string DescribeKeys() => For(IrmConfig.Irm).DescribeKeys();

    public Validation<Error, PreparedRun> Prepare(IReadOnlyList<string> assignments, int seed, long steps) =>
        For(MethodOf(assignments)).Prepare(assignments, seed, steps);

    /// <summary>The recipe over the reference defaults of <paramref name="method"/>.</summary>
    Recipe<IrmConfig, NoData> For(string method) =>
        new(Name, Summary, Paper, IrmConfig.Reference(method), new NoData(), DefaultSteps, (config, _, plan) => Build(config, plan, dataDirectory));

    static string MethodOf(IReadOnlyList<string> assignments) =>
        assignments.LastOrDefault(a => ConfigBinder.NormalizedKey(a) == "method") is { } a ? a[(a.IndexOf('=') + 1)..].Trim() : IrmConfig.Irm;

    /// <summary>The colours and label noise of a restart come from its seed, through a stream apart from the model's.</summary>
    public static ulong DataSeed(int seed) => unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0xD1B54A32D192ED03UL);

    static Flow<RunEvent> Build(IrmConfig config, RunPlan plan, string? dataDirectory)
    {
        var device = Devices.Resolve(config.Device);
        var mnist = Mnist.Load(dataDirectory ?? MnistFiles.DefaultDirectory());
        var spec = new ColoredMnistSpec(config.LabelNoise, config.FirstColorFlip, config.SecondColorFlip, config.TestColorFlip, config.TrainSize, config.TestSize);
        var built = ColoredMnist.Build(mnist.Train, spec, DataSeed(plan.Seed), device);
        IrmEnvironment[] environments;
        try
        {
            environments = built.Select(e => plan.Own(IrmEnvironment.FromColoredImages(e.Images, e.Colors, e.Labels))).ToArray();
        }
        finally
        {
            foreach (var e in built) e.Dispose();
        }
        IrmEnvironment[] train = [environments[0], environments[1]];
        var test = environments[2];
        var every = plan.Settings.EvalEvery;

        // Step s shows the model after s - 1 updates, as the reference's step s - 1 does: log its steps 0, 100, ... and the last.
        var steps = Source.Range("colored-mnist-steps", plan.StartStep + 1, plan.LastStep - plan.StartStep);
        var trainer = AlgorithmTraining.Stage<InvariantRiskMinimization, IrmConfig, IrmState, IrmBatch>("irm", config, plan, device);
        return Graph.From(steps)
            .Via(Stage.Map("full-batch", (long step) => new IrmBatch(train, (step - 1) % every == 0 || step == plan.LastStep ? test : null))
                .Then(trainer.ToStage())
                .Then(IrmTestPhase.Stage()));
    }
}
