using Pipeline.Algorithms.Srnn;
using Pipeline.Recipes.Srnn;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Srnn;

/// <summary>
/// Where the rebound module fires on the test rollouts: its gate gamma at steps whose tentative move leaves the unit box
/// (a bounce the module should handle) against every other step (where any gate is a false rebound that bends the path).
/// </summary>
public static class ReboundGates
{
    static readonly (string Key, string Label)[] Shown =
    [
        ("recurrent-hnet-rebound", "SRNN + rebound module (patches)"),
        ("recurrent-hnet-rebound-positions", "SRNN + rebound module (positions)"),
        ("recurrent-hnet-rebound-hard", "SRNN + rebound module, hard gate (patches)"),
    ];

    /// <summary>The gate's statistics over steps inside and outside the box, given gates (T x B) and tentative positions (T x B x 2).</summary>
    public static (double OutsideFraction, double GateOutside, double GateInside, double InsideAbove) Measure(Tensor gates, Tensor tentative, double threshold = 0.1)
    {
        using var scope = NewDisposeScope();
        var q = tentative.to_type(ScalarType.Float64);
        var outside = q.lt(0).logical_or(q.gt(1)).any(2);
        var inside = outside.logical_not();
        var g = gates.to_type(ScalarType.Float64);
        double MeanWhere(Tensor mask) => mask.any().item<bool>() ? g.masked_select(mask).mean().item<double>() : double.NaN;
        var insideCount = inside.sum().item<long>();
        var above = insideCount == 0 ? double.NaN : g.gt(threshold).logical_and(inside).sum().item<long>() / (double)insideCount;
        return (outside.to_type(ScalarType.Float64).mean().item<double>(), MeanWhere(outside), MeanWhere(inside), above);
    }

    public static void Report(ReproductionContext context, IReadOnlyDictionary<string, (SymplecticRnnConfig Config, byte[] Payload)> checkpoints, Tensor observed, int states)
    {
        var rows = new List<IReadOnlyList<object>>();
        foreach (var (key, label) in Shown.Where(m => checkpoints.ContainsKey(m.Key)))
        {
            var (config, payload) = checkpoints[key];
            using var state = SymplecticRnn.Load(config, payload, CPU);
            if (state.Model is not ReboundHamiltonianNetwork model) continue;
            using var scope = NewDisposeScope();
            using var enabled = enable_grad(); // the H-NET's derivatives come from autograd
            var (gates, tentative) = model.GatesAlongRollout(observed[0], states, config.Dt);
            var m = Measure(gates, tentative);
            rows.Add([label, Math.Round(100 * m.OutsideFraction, 1), Math.Round(m.GateOutside, 3), Math.Round(m.GateInside, 3), Math.Round(100 * m.InsideAbove, 1)]);
        }
        if (rows.Count == 0) return;
        context.Report.Table(new ReportTable("rebound-gates", $"The rebound gate gamma along the {states}-state test rollouts",
            ["model", "steps whose tentative move leaves the box (%)", "mean gamma there", "mean gamma at the other steps", "other steps with gamma > 0.1 (%)"], rows));
    }
}
