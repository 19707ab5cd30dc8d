using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Irm;
using Pipeline.Environments.Data;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Recipes;

/// <summary>
/// The synthetic experiments (IRM paper section 5.1; irm_ngu.md 1.8) for one SEM setting: every repetition draws a
/// new SEM and three environments; ERM is solved once; IRM trains every (repetition, regularizer) pair side by side,
/// one Adam step per pipeline step. Every eval-every steps and at the end an "eval" event carries the causal and
/// non-causal errors of both methods (mean and population std over repetitions), IRM's with each repetition's
/// regularizer selected on the third environment.
/// </summary>
public static class IrmLinearSemRecipe
{
    public const string RecipeName = "irm-linear-sem";

    public static Recipe<LinearIrmConfig, NoData> Create() => new(
        RecipeName,
        "IRMv1 and ERM on the linear SEM environments of the synthetic experiments (causal / non-causal weight errors)",
        "Arjovsky, Bottou, Gulrajani, Lopez-Paz 2019, Invariant Risk Minimization, section 5.1 and Figure 3",
        new LinearIrmConfig(),
        new NoData(),
        defaultSteps: 100_000,
        (config, _, plan) => Build(config, plan));

    /// <summary>Repetition <paramref name="rep"/>'s SEM and samples come from its own stream of the run's seed.</summary>
    public static ulong RepetitionSeed(int seed, int rep) =>
        unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)rep * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL);

    static Flow<RunEvent> Build(LinearIrmConfig config, RunPlan plan)
    {
        var device = Devices.Resolve(config.Device);
        var setup = new LinearSemSetup(config.Hidden, config.Hetero, config.Scramble, config.Ones);
        double[] scales = [config.FirstEnvironment, config.SecondEnvironment, config.ValidationEnvironment];
        var sems = new List<LinearSem>();
        var moments = scales.Select(_ => new List<SecondMoments>()).ToArray();
        var erm = new List<(double Causal, double NonCausal)>();
        for (var rep = 0; rep < config.Reps; rep++)
        {
            using var generator = new Generator(RepetitionSeed(plan.Seed, rep));
            var sem = plan.Own(new LinearSem(config.Dim, setup, generator));
            sems.Add(sem);
            var environments = scales.Select(e => sem.Sample(config.Samples, e, generator)).ToList();
            try
            {
                for (var e = 0; e < scales.Length; e++)
                    moments[e].Add(SecondMoments.Of(environments[e].Inputs, environments[e].Targets));
                using var fit = LeastSquares.Fit(environments);
                erm.Add(sem.Errors(fit));
            }
            finally
            {
                foreach (var (inputs, targets) in environments)
                {
                    inputs.Dispose();
                    targets.Dispose();
                }
            }
        }
        var regs = config.RegValues.Count;
        var stacked = moments.Select(list => plan.Own(SecondMoments.Stack(list, regs, device))).ToArray();
        foreach (var m in moments.SelectMany(list => list)) m.Dispose();
        var batch = new LinearIrmBatch([stacked[0], stacked[1]]);
        var validation = stacked[2];
        var ermMetrics = Summary("erm", erm);

        var trainer = AlgorithmTraining.Stage<LinearIrm, LinearIrmConfig, LinearIrmState, LinearIrmBatch>("linear-irm", config, plan, device)
            .Every(1, (state, step) => step % plan.Settings.EvalEvery == 0 || step == plan.LastStep
                ? new MetricsEvent(step, "eval", [.. Evaluate(state, validation, sems), .. ermMetrics])
                : null);
        return Graph.From(Source.Range("sem-steps", plan.StartStep + 1, plan.LastStep - plan.StartStep))
            .Via(Stage.Map("moments", (long _) => batch).Then(trainer.ToStage()));
    }

    /// <summary>IRM's errors with each repetition's regularizer chosen on the validation environment, and the mean chosen regularizer.</summary>
    static IReadOnlyList<KeyValuePair<string, double>> Evaluate(LinearIrmState state, SecondMoments validation, IReadOnlyList<LinearSem> sems)
    {
        var (solutions, regs) = LinearIrm.Select(state, validation);
        using (solutions)
        {
            var errors = sems.Select((sem, rep) =>
            {
                using var solution = solutions[rep];
                return sem.Errors(solution);
            }).ToList();
            return [.. Summary("irm", errors), KeyValuePair.Create("irm_reg", regs.Average())];
        }
    }

    /// <summary>Mean and population std over repetitions of the causal and non-causal errors.</summary>
    static IReadOnlyList<KeyValuePair<string, double>> Summary(string method, IReadOnlyList<(double Causal, double NonCausal)> errors)
    {
        static (double Mean, double Std) Of(IReadOnlyList<double> v)
        {
            var mean = v.Average();
            return (mean, Math.Sqrt(v.Average(x => (x - mean) * (x - mean))));
        }
        var causal = Of(errors.Select(e => e.Causal).ToList());
        var nonCausal = Of(errors.Select(e => e.NonCausal).ToList());
        return
        [
            KeyValuePair.Create($"{method}_causal", causal.Mean), KeyValuePair.Create($"{method}_causal_std", causal.Std),
            KeyValuePair.Create($"{method}_noncausal", nonCausal.Mean), KeyValuePair.Create($"{method}_noncausal_std", nonCausal.Std),
        ];
    }
}
