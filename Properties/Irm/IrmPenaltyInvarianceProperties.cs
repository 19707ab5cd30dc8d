using FsCheck.Xunit;
using Pipeline.Algorithms.Irm;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Properties.Irm;

/// <summary>
/// IRM paper section 3.1: the penalty measures how far the dummy scale w = 1 is from optimal. It vanishes for a
/// predictor whose optimal scale is 1 in every environment and is positive otherwise. The optimum is found here
/// without the penalty's formula, by golden-section search on the risk itself.
/// </summary>
public class IrmPenaltyInvarianceProperties
{
    /// <summary>An environment: logits N(μ, s²) and labels drawn from a logistic model of slope <paramref name="slope"/>, float64.</summary>
    static (Tensor Logits, Tensor Labels) Environment(Generator generator, int n, double mean, double spread, double slope)
    {
        var logits = randn([n, 1], dtype: ScalarType.Float64, generator: generator).mul_(spread).add_(mean);
        var labels = rand([n, 1], dtype: ScalarType.Float64, generator: generator).lt(logits.mul(slope).sigmoid()).to_type(ScalarType.Float64);
        return (logits, labels);
    }

    /// <summary>argmin over w in [1/64, 64] of the mean BCE of w·f (convex in w), or null when it sits at the bracket's edge (separable data).</summary>
    static double? OptimalScale(Tensor logits, Tensor labels)
    {
        double Risk(double w) => nn.functional.binary_cross_entropy_with_logits(logits.mul(w), labels).item<double>();
        double lo = Math.Log(1.0 / 64), hi = Math.Log(64);
        var ratio = (Math.Sqrt(5) - 1) / 2;
        for (var i = 0; i < 200 && hi - lo > 1e-13; i++)
        {
            var a = hi - ratio * (hi - lo);
            var b = lo + ratio * (hi - lo);
            if (Risk(Math.Exp(a)) < Risk(Math.Exp(b))) hi = b; else lo = a;
        }
        var w = Math.Exp((lo + hi) / 2);
        return w < 1.0 / 63 || w > 63 ? null : w;
    }

    static double Penalty(IEnumerable<(Tensor Logits, Tensor Labels)> environments) =>
        environments.Average(e => IrmPenalty.ClosedForm(e.Logits, e.Labels).item<double>());

    [Property(MaxTest = 30)]
    public bool The_penalty_vanishes_when_the_optimal_scale_is_one_in_every_environment(int seed, byte slope1, byte slope2)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var environments = new[]
        {
            Environment(generator, 400, 0.5, 1.5, 0.3 + slope1 % 30 / 10.0),
            Environment(generator, 300, -1.0, 2.5, 0.3 + slope2 % 30 / 10.0),
        };
        // Rescale each environment's logits by its own optimal scale: the predictor now has optimal scale 1 everywhere.
        var rescaled = new List<(Tensor, Tensor)>();
        foreach (var (f, y) in environments)
        {
            if (OptimalScale(f, y) is not { } w) return true;
            rescaled.Add((f.mul(w), y));
        }
        // Golden-section search on a float64 risk finds the optimum to about sqrt(1e-16) = 1e-8 (the risk is flat
        // there), so the scale gradient at it is of order 1e-8 and its square of order 1e-16.
        return Penalty(rescaled) < 1e-12;
    }

    [Property(MaxTest = 30)]
    public bool The_penalty_is_positive_when_some_environment_prefers_another_scale(int seed, byte slope)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var (f, y) = Environment(generator, 400, 0.3, 2.0, 0.3 + slope % 30 / 10.0);
        var (g, z) = Environment(generator, 400, -0.4, 1.0, 1.0);
        if (OptimalScale(f, y) is not { } w || OptimalScale(g, z) is not { } v) return true;
        var invariant = (g.mul(v), z);
        // Off by 10% or more from its optimum, the first environment's gradient at w = 1 is bounded away from zero.
        var offset = f.mul(w * 1.1);
        return Penalty([(offset, y), invariant]) > 1e-6 && Penalty([(f.mul(w), y), invariant]) < 1e-12;
    }
}
