using FsCheck.Xunit;
using Pipeline.Algorithms.Optim;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Algorithms;

/// <summary>
/// L-BFGS with a backtracking line search (float64): it solves convex quadratics to round-off, reaches Rosenbrock's
/// minimum, never ends above its start, and refuses bad options and non-finite objectives.
/// </summary>
public class LbfgsProperties
{
    /// <summary>f(x) = x^T A x / 2 - b^T x with A symmetric positive definite (condition number up to about 100).</summary>
    [Property(MaxTest = 20)]
    public bool A_convex_quadratic_is_solved(ushort seed, byte rawSize)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var n = 2 + rawSize % 8;
        var (q, _) = linalg.qr(randn([n, n], dtype: ScalarType.Float64, generator: g));
        var a = q.matmul(diag(logspace(0, 2, n, dtype: ScalarType.Float64))).matmul(q.T);
        var b = randn([n], dtype: ScalarType.Float64, generator: g);
        var result = Lbfgs.Minimize(x => a.matmul(x).dot(x).div(2).sub(b.dot(x)), zeros(n, dtype: ScalarType.Float64),
            new Lbfgs.Options(Iterations: 4 * n + 20, GradientTolerance: 1e-10, ChangeTolerance: 0));
        var solution = linalg.solve(a, b);
        return result.Minimiser.sub(solution).abs().max().item<double>() < 1e-6;
    }

    [Fact]
    public void Rosenbrock_from_the_classic_start_reaches_its_minimum()
    {
        using var scope = NewDisposeScope();
        var result = Lbfgs.Minimize(x =>
        {
            var (u, v) = (x[0], x[1]);
            return u.neg().add(1).pow(2).add(v.sub(u.pow(2)).pow(2).mul(100));
        }, tensor(new[] { -1.2, 1.0 }, dtype: ScalarType.Float64), new Lbfgs.Options(Iterations: 200, GradientTolerance: 1e-9, ChangeTolerance: 0));
        var error = result.Minimiser.sub(ones(2, dtype: ScalarType.Float64)).abs().max().item<double>();
        Assert.True(error < 1e-5 && result.Loss < 1e-10, $"Rosenbrock: ended at distance {error}, loss {result.Loss}, after {result.Iterations} iterations");
    }

    /// <summary>A steep, badly scaled bowl where a unit step would overshoot: the search keeps every step downhill.</summary>
    [Property(MaxTest = 20)]
    public bool The_result_is_never_above_the_start(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var scales = logspace(-2, 4, 5, dtype: ScalarType.Float64);
        var start = randn([5], dtype: ScalarType.Float64, generator: g).mul(3);
        Tensor Objective(Tensor x) => x.pow(4).mul(scales).sum().add(x.sin().sum());
        using (no_grad())
        {
            var initial = Objective(start).item<double>();
            var result = Lbfgs.Minimize(Objective, start, new Lbfgs.Options(Iterations: 15));
            return result.Loss <= initial && Math.Abs(Objective(result.Minimiser).item<double>() - result.Loss) < 1e-12 * Math.Max(1, Math.Abs(initial));
        }
    }

    [Fact]
    public void Bad_options_and_non_finite_objectives_are_refused()
    {
        using var scope = NewDisposeScope();
        var x0 = ones(3, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => Lbfgs.Minimize(x => x.pow(2).sum(), x0, new Lbfgs.Options(Iterations: 0)));
        Assert.Throws<ArgumentException>(() => Lbfgs.Minimize(x => x.pow(2).sum(), x0, new Lbfgs.Options(History: 0)));
        var error = Assert.Throws<ArithmeticException>(() => Lbfgs.Minimize(x => x.log().sum().mul(double.NaN), x0, new Lbfgs.Options()));
        Assert.Contains("NaN", error.Message);
    }
}
