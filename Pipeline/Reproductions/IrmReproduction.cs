using Pipeline.Algorithms.Irm;
using Pipeline.Recipes;
using Pipeline.Runs;
using TorchSharp;

namespace Pipeline.Reproductions;

/// <summary>
/// IRM paper Table 1 (section 5.2): IRM, ERM and the grayscale oracle on Colored MNIST with the reference
/// hyperparameters (irm_ngu.md 1.6), 10 restarts each (3 with --quick), each restart a full run of
/// irm-colored-mnist in its own run directory. Restart r of every method uses seed base + r, so the three methods
/// see the same environments restart by restart. Restarts run one after another: the steps are large matrix
/// products that LibTorch spreads over its intra-op threads (<c>pipeline --threads 2</c> on two cores).
/// <paramref name="precision"/> float32 is the reference's arithmetic; bfloat16 runs the same experiment with
/// bfloat16 matrix products (irm-bfloat16), several times faster on CPUs with bfloat16 instructions.
/// </summary>
public sealed class IrmReproduction(string precision = IrmConfig.Float32) : IReproduction
{
    public const int Restarts = 10, QuickRestarts = 3;

    /// <summary>Test accuracy every 10 steps gives the curves; the reference printed every 100.</summary>
    const int EvalEvery = 10;

    static readonly string[] Methods = [IrmConfig.Irm, IrmConfig.Erm, IrmConfig.Grayscale];

    public string Name => precision == IrmConfig.Float32 ? "irm" : $"irm-{precision}";
    public string Summary => "Colored MNIST: IRM, ERM and the grayscale oracle over restarts, beside the paper's Table 1" +
        (precision == IrmConfig.Float32 ? "" : $" ({precision} matrix products)");
    public string Paper => "Arjovsky, Bottou, Gulrajani, Lopez-Paz 2019, Invariant Risk Minimization, section 5.2, Table 1";

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var restarts = context.Quick ? QuickRestarts : Restarts;
        context.Report.Text(
            $"{restarts} restarts per method, one after another with {Pipeline.Runs.IntraOpThreads.Training} LibTorch thread(s) (`pipeline --threads N`), {precision} matrix products. " +
            "Final accuracies are those of the last step, i.e. of the model after 500 updates (100 for the oracle), as the reference reports them. " +
            "Std is the population std over restarts (numpy's default, as the reference).");
        var recipe = new IrmColoredMnistRecipe();
        var finished = new List<IrmRestart>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var method in Methods)
            for (var r = 0; r < restarts && !cancellation.IsCancellationRequested; r++)
            {
                var seed = context.Seed + r;
                var outcome = await context.Train(recipe, Path.Combine(method, $"restart-{r}"),
                    [$"method={method}", $"precision={precision}", $"eval-every={EvalEvery}"], seed, IrmConfig.ReferenceSteps(method), cancellation).ConfigureAwait(false);
                if (outcome.Result.Status != Stages.Graph.RunStatus.Completed) break;
                finished.Add(new IrmRestart(method, r, seed, outcome.Directory.Path,
                    100 * outcome.Final["train"]["acc"], 100 * outcome.Final["test"]["acc"], MetricsLog.Read(outcome.Directory.MetricsJsonl)));
            }
        if (cancellation.IsCancellationRequested)
            context.Report.Text("**Stopped before every restart finished; the tables hold the finished ones.**");
        context.Log($"irm reproduction: {finished.Count} restarts in {clock.Elapsed.TotalSeconds:F0} s");

        var byMethod = Methods.ToDictionary(m => m, m => (IReadOnlyList<IrmRestart>)finished.Where(r => r.Method == m).OrderBy(r => r.Restart).ToList());
        context.Report.Table(IrmTables.Table1(byMethod));
        context.Report.Text(IrmTables.Verdicts(byMethod));
        context.Report.Table(IrmTables.Trajectory(byMethod));
        foreach (var (path, caption) in IrmCurves.Write(byMethod, context.Directory))
            context.Report.Figure(path, caption);
        context.Report.Table(IrmTables.Restarts(byMethod, context.Directory));
    }
}
