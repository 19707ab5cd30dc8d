using Pipeline.Algorithms.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Optim;

/// <summary>
/// torch.optim.LBFGS without a line search (lr 1), step for step: the first step scaled by min(1, 1 / |g|_1), then
/// unit quasi-Newton steps, curvature pairs kept when s.y &gt; 1e-10, and its stopping rules. ISO used TorchSharp's
/// LBFGS for this until it proved to leak native memory on every call (about 32 MB/s in training-time ISO, until the
/// kernel killed the run) and to print a deprecation warning each time; this port gives the same fits (tested
/// against it in float64) without either.
/// </summary>
public static class FixedStepLbfgs
{
    /// <summary>
    /// The point reached from <paramref name="start"/> after at most <paramref name="iterations"/> steps on
    /// <paramref name="objective"/> (a scalar with an autograd graph). Unlike TorchSharp's LBFGS, a step that makes the
    /// objective non-finite is not taken: the last finite point is returned.
    /// </summary>
    public static Tensor Minimize(Func<Tensor, Tensor> objective, Tensor start, int iterations, int history = 10,
        double gradientTolerance = 1e-7, double changeTolerance = 1e-9)
    {
        if (iterations < 1 || history < 1) throw new ArgumentException($"L-BFGS needs at least one iteration and one correction pair, not {iterations} and {history}");
        using var outer = NewDisposeScope();
        using var enabled = enable_grad();
        static double Largest(Tensor t) => t.abs().max().to_type(ScalarType.Float64).item<double>();

        var x = start.detach().clone();
        var (loss, gradient) = Lbfgs.ValueAndGradient(objective, x);
        var pairs = new LinkedList<(Tensor S, Tensor Y, double Rho)>();
        if (!double.IsFinite(loss) || Largest(gradient) <= gradientTolerance) return x.MoveToOuterDisposeScope();
        Tensor? previousGradient = null, direction = null;
        double step = 0;
        for (var iteration = 1; iteration <= iterations; iteration++)
        {
            if (iteration > 1)
            {
                var y = gradient.sub(previousGradient!);
                var s = direction!.mul(Scalars.Of(step));
                var curvature = Lbfgs.Dot(y, s);
                if (curvature > 1e-10)
                {
                    pairs.AddLast((s, y, 1 / curvature));
                    if (pairs.Count > history) pairs.RemoveFirst();
                }
            }
            direction = Lbfgs.Direction(gradient, pairs);
            previousGradient = gradient;
            var previousLoss = loss;
            step = iteration == 1 ? Math.Min(1, 1 / gradient.abs().sum().to_type(ScalarType.Float64).item<double>()) : 1;
            if (Lbfgs.Dot(gradient, direction) > -changeTolerance) break;
            using Scalar length = step; // held for the call (see Scalars)
            var next = x.add(direction, alpha: length);
            if (iteration == iterations)
            {
                x = next; // torch.optim.LBFGS does not evaluate after its last step
                break;
            }
            var (nextLoss, nextGradient) = Lbfgs.ValueAndGradient(objective, next);
            if (!double.IsFinite(nextLoss)) break;
            (x, loss, gradient) = (next, nextLoss, nextGradient);
            if (Largest(gradient) <= gradientTolerance) break;
            if (step * Largest(direction) <= changeTolerance) break;
            if (Math.Abs(loss - previousLoss) < changeTolerance) break;
        }
        return x.MoveToOuterDisposeScope();
    }
}
