using Pipeline.Algorithms.Srnn;
using Pipeline.Reports;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Srnn;

/// <summary>
/// Where along the test rollout a model's error builds up: the mean position error at every step (a figure) and the
/// test error over the first states only (a table). A model that fits the training windows well but drifts or
/// misfires later shows a low early error and a steep climb; the tables' single number cannot tell the two apart.
/// </summary>
public static class ErrorAlongRollouts
{
    /// <summary>Mean over test trajectories of the L2 position error at each state of the rollout (T values).</summary>
    public static double[] PerStep(Tensor predicted, Tensor truth, int dimension)
    {
        using var scope = NewDisposeScope();
        return SymplecticRnn.PositionDistances(predicted, truth, dimension).mean([1]).cpu().data<double>().ToArray();
    }

    public static void Report(ReproductionContext context, string system, IReadOnlyList<(string Label, double[] Errors)> models, int trainingStates)
    {
        if (models.Count == 0) return;
        var states = models[0].Errors.Length;
        var path = context.PathOf("error-along-rollouts.png");
        GanPlots.Curves(path, $"{system}: position error along the test rollouts", "step", "mean L2 position error", logY: false,
            models.Select(m => (m.Label, Enumerable.Range(0, m.Errors.Length).Select(i => (double)i).ToArray(), m.Errors)));
        context.Report.Figure(path, $"Mean over the test trajectories of the L2 position error at each of the {states} states, from the first " +
            "observation: where along the rollout each model's test error builds up.");
        int[] horizons = [.. new[] { trainingStates, states / 2, states }.Where(h => h >= 2 && h <= states).Distinct().Order()];
        var rows = models.Select(m => (IReadOnlyList<object>)[m.Label, .. horizons.Select(h => (object)Math.Round(m.Errors.Take(h).Average(), 3))]).ToList();
        context.Report.Table(new ReportTable("error-by-horizon", $"Test error over the first states of the rollout (the training windows hold {trainingStates})",
            ["row", .. horizons.Select(h => $"first {h} states")], rows));
    }
}
