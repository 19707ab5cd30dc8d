using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Optim;

/// <summary>
/// L-BFGS with a backtracking (Armijo) line search, for small deterministic problems such as fitting initial states
/// (scipy's L-BFGS-B, which the SRNN code calls, also searches along each direction; torch.optim.LBFGS, ported as
/// <see cref="FixedStepLbfgs"/>, takes a fixed step). Works on one tensor of any shape and dtype; the objective maps it
/// to a scalar with an autograd graph.
/// </summary>
public static class Lbfgs
{
    /// <param name="Iterations">direction updates at most (scipy's maxiter)</param>
    /// <param name="History">correction pairs kept (scipy's m: 10)</param>
    /// <param name="GradientTolerance">stop when the largest |gradient| component is at most this (scipy's gtol)</param>
    /// <param name="ChangeTolerance">stop when a step lowers the objective by less than this</param>
    /// <param name="SufficientDecrease">Armijo's c1</param>
    /// <param name="Backtracks">halvings of the step before a search gives up</param>
    public sealed record Options(int Iterations = 10, int History = 10, double GradientTolerance = 1e-7, double ChangeTolerance = 1e-12,
        double SufficientDecrease = 1e-4, int Backtracks = 30);

    /// <summary>The minimiser found, the objective there, directions taken and objective evaluations.</summary>
    public sealed record Result(Tensor Minimiser, double Loss, int Iterations, int Evaluations);

    public static Result Minimize(Func<Tensor, Tensor> objective, Tensor start, Options options)
    {
        if (options.Iterations < 1 || options.History < 1 || options.Backtracks < 1)
            throw new ArgumentException($"L-BFGS needs at least one iteration, one correction pair and one backtrack, not {options}");
        using var outer = NewDisposeScope();
        using var enabled = enable_grad();
        var evaluations = 0;
        (double Loss, Tensor Gradient) Evaluate(Tensor x)
        {
            evaluations++;
            var (loss, gradient) = ValueAndGradient(objective, x);
            if (!double.IsFinite(loss)) throw new ArithmeticException($"the objective is {loss} at an L-BFGS point");
            return (loss, gradient);
        }

        var x = start.detach().clone();
        var (f, g) = Evaluate(x);
        var pairs = new LinkedList<(Tensor S, Tensor Y, double Rho)>();
        var iterations = 0;
        while (iterations < options.Iterations && g.abs().max().to_type(ScalarType.Float64).item<double>() > options.GradientTolerance)
        {
            var direction = Direction(g, pairs);
            var slope = Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (stale curvature): restart from steepest descent.
                Clear(pairs);
                direction = g.neg();
                slope = -Dot(g, g);
            }
            // The first step's length is unknown: scale it as torch.optim.LBFGS does; later steps try the full quasi-Newton step.
            var step = pairs.Count == 0 ? Math.Min(1, 1 / g.abs().sum().to_type(ScalarType.Float64).item<double>()) : 1;
            Tensor? next = null;
            double nextLoss = 0;
            Tensor? nextGradient = null;
            for (var backtrack = 0; backtrack < options.Backtracks; backtrack++, step /= 2)
            {
                using Scalar length = step; // held for the call (see Scalars)
                var candidate = x.add(direction, alpha: length);
                var (loss, gradient) = Evaluate(candidate);
                if (loss <= f + options.SufficientDecrease * step * slope)
                {
                    (next, nextLoss, nextGradient) = (candidate, loss, gradient);
                    break;
                }
                candidate.Dispose();
                gradient.Dispose();
            }
            if (next is null) break; // no decrease along the direction: as good as it gets at this precision
            iterations++;
            var (s, y) = (next.sub(x), nextGradient!.sub(g));
            var curvature = Dot(s, y);
            if (curvature > 1e-10 * Dot(y, y))
            {
                pairs.AddLast((s, y, 1 / curvature));
                if (pairs.Count > options.History)
                {
                    pairs.First!.Value.S.Dispose();
                    pairs.First.Value.Y.Dispose();
                    pairs.RemoveFirst();
                }
            }
            else
            {
                s.Dispose();
                y.Dispose();
            }
            var change = f - nextLoss;
            x.Dispose();
            g.Dispose();
            (x, f, g) = (next, nextLoss, nextGradient!);
            if (change < options.ChangeTolerance) break;
        }
        Clear(pairs);
        return new Result(x.detach().MoveToOuterDisposeScope(), f, iterations, evaluations);
    }

    /// <summary>The objective at <paramref name="x"/> and its gradient (in the caller's dispose scope); nothing else outlives the call.</summary>
    internal static (double Loss, Tensor Gradient) ValueAndGradient(Func<Tensor, Tensor> objective, Tensor x)
    {
        using var scope = NewDisposeScope();
        var point = x.detach().requires_grad_(true);
        var value = objective(point);
        var gradient = autograd.grad([value], [point])[0].detach();
        return (value.to_type(ScalarType.Float64).item<double>(), gradient.MoveToOuterDisposeScope());
    }

    static void Clear(LinkedList<(Tensor S, Tensor Y, double Rho)> pairs)
    {
        foreach (var (s, y, _) in pairs)
        {
            s.Dispose();
            y.Dispose();
        }
        pairs.Clear();
    }

    /// <summary>The two-loop recursion: -H g with H the inverse-Hessian estimate of the stored pairs.</summary>
    internal static Tensor Direction(Tensor gradient, LinkedList<(Tensor S, Tensor Y, double Rho)> pairs)
    {
        var q = gradient.clone();
        var alphas = new double[pairs.Count];
        var i = pairs.Count - 1;
        for (var node = pairs.Last; node is not null; node = node.Previous, i--)
        {
            alphas[i] = node.Value.Rho * Dot(node.Value.S, q);
            using Scalar minusAlpha = -alphas[i];
            q.add_(node.Value.Y, alpha: minusAlpha);
        }
        if (pairs.Last is { } newest)
        {
            using Scalar scale = 1 / (newest.Value.Rho * Dot(newest.Value.Y, newest.Value.Y)); // s.y / y.y
            q.mul_(scale);
        }
        i = 0;
        for (var node = pairs.First; node is not null; node = node.Next, i++)
        {
            using Scalar correction = alphas[i] - node.Value.Rho * Dot(node.Value.Y, q);
            q.add_(node.Value.S, alpha: correction);
        }
        return q.neg_();
    }

    internal static double Dot(Tensor a, Tensor b) => a.flatten().dot(b.flatten()).to_type(ScalarType.Float64).item<double>();
}
