using System.Globalization;
using Pipeline.Environments.Data;
using Pipeline.Recipes;

namespace Pipeline.Reproductions;

/// <summary>
/// The synthetic experiments of the IRM paper (section 5.1, Figure 3): ERM and IRMv1 on the eight linear SEM
/// settings, 10 repetitions each, beside the means of the reference's stored synthetic_results.txt (irm_ngu.md 1.8).
/// Each setting is one run of irm-linear-sem (100,000 Adam steps; 10,000 with --quick).
/// </summary>
public sealed class IrmSyntheticReproduction : IReproduction
{
    public const long Steps = 100_000, QuickSteps = 10_000;

    /// <summary>
    /// Mean causal / non-causal errors of ERM, ICP and IRM in the reference's synthetic_results.txt, by (hidden,
    /// hetero, scramble) (irm_ngu.md 1.8, averaged over its 200 repetitions per setting).
    /// </summary>
    static readonly Dictionary<(bool, bool, bool), (double ErmC, double ErmN, double IcpC, double IcpN, double IrmC, double IrmN)> Stored = new()
    {
        [(false, false, false)] = (.0091, .0090, .0201, .00001, .0029, .0024),
        [(false, false, true)] = (.0092, .0090, .846, .0011, .0042, .0035),
        [(false, true, false)] = (.821, .821, 1.000, .804, .256, .333),
        [(false, true, true)] = (.823, .822, .986, .103, .257, .333),
        [(true, false, false)] = (.0190, .0179, .970, .0000, .0152, .0142),
        [(true, false, true)] = (.0203, .0182, 1.000, .0000, .0190, .0159),
        [(true, true, false)] = (.774, .774, 1.000, .000, .215, .340),
        [(true, true, true)] = (.779, .774, 1.000, .000, .220, .340),
    };

    public string Name => "irm-synthetic";
    public string Summary => "Linear SEM settings: causal and non-causal weight errors of ERM and IRM, beside the reference's stored results";
    public string Paper => "Arjovsky, Bottou, Gulrajani, Lopez-Paz 2019, Invariant Risk Minimization, section 5.1, Figure 3";

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var steps = context.Quick ? QuickSteps : Steps;
        context.Report.Text(
            $"Each setting: 10 repetitions (a new SEM and new samples each), {steps:N0} Adam steps per regularizer, float64. " +
            "Errors are the reference's: mean squared error of the weights mapped back by S, over the causal and over the non-causal coordinates; " +
            "mean ± population std over repetitions. Letters as in Figure 3 (plot.py): F/P observed or hidden confounders, E/O the code's hetero flag, S/U scrambled or not. " +
            "ICP is not implemented here; its stored numbers are shown for reference.");
        var recipe = IrmLinearSemRecipe.Create();
        var results = new Dictionary<LinearSemSetup, IReadOnlyDictionary<string, double>>();
        foreach (var setup in LinearSemSetup.All)
        {
            if (cancellation.IsCancellationRequested) break;
            var outcome = await context.Train(recipe, setup.Letters,
                [$"hidden={Flag(setup.Hidden)}", $"hetero={Flag(setup.Hetero)}", $"scramble={Flag(setup.Scramble)}", "eval-every=1000"],
                context.Seed, steps, cancellation).ConfigureAwait(false);
            if (outcome.Result.Status != Stages.Graph.RunStatus.Completed) break;
            results[setup] = outcome.Final["eval"];
        }
        if (cancellation.IsCancellationRequested)
            context.Report.Text("**Stopped before every setting finished; the table holds the finished ones.**");

        var rows = new List<IReadOnlyList<object>>();
        var irmBetter = 0;
        foreach (var setup in LinearSemSetup.All.Where(results.ContainsKey))
        {
            var m = results[setup];
            var stored = Stored[(setup.Hidden, setup.Hetero, setup.Scramble)];
            if (m["irm_causal"] < m["erm_causal"]) irmBetter++;
            rows.Add([setup.Letters, $"{Bit(setup.Hidden)},{Bit(setup.Hetero)},{Bit(setup.Scramble)}",
                m["erm_causal"], m["erm_causal_std"], m["erm_noncausal"], m["erm_noncausal_std"],
                m["irm_causal"], m["irm_causal_std"], m["irm_noncausal"], m["irm_noncausal_std"],
                stored.ErmC, stored.ErmN, stored.IcpC, stored.IcpN, stored.IrmC, stored.IrmN]);
        }
        context.Report.Table(new ReportTable("synthetic", "Causal / non-causal weight errors by setting: ours (mean, std over 10 repetitions) and the reference's stored means",
            ["setting", "hidden,hetero,scramble", "ERM causal", "std", "ERM non-causal", "std", "IRM causal", "std", "IRM non-causal", "std",
             "ref ERM causal", "ref ERM non-causal", "ref ICP causal", "ref ICP non-causal", "ref IRM causal", "ref IRM non-causal"], rows));
        context.Report.Text(string.Create(CultureInfo.InvariantCulture,
            $"IRM's causal error is below ERM's in {irmBetter} of {rows.Count} settings (the reference's stored means: in 8 of 8)."));
    }

    static int Bit(bool b) => b ? 1 : 0;

    static string Flag(bool b) => b ? "true" : "false";
}
