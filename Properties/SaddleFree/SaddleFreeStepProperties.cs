using FsCheck.Xunit;
using Pipeline.Algorithms.SaddleFree;
using TorchSharp;
using SaddleFreeNewton = Pipeline.Algorithms.SaddleFree.SaddleFree;
using static Pipeline.Properties.SaddleFree.Functions;
using static TorchSharp.torch;

namespace Pipeline.Properties.SaddleFree;

/// <summary>The saddle-free step on quadratics with known spectra and on a tanh network (seq.md 3.2, 3.8), float64.</summary>
public class SaddleFreeStepProperties
{
    /// <summary>f = x^T diag(lambda) x / 2 with some lambda negative; |lambda| in [0.1, 10].</summary>
    static (Tensor X, double[] Lambda, Func<Tensor> Loss) DiagonalSaddle(Generator generator, int n)
    {
        var u = rand(n, ScalarType.Float64, generator: generator).data<double>().ToArray();
        var lambda = u.Select((x, i) => (i % 2 == 0 ? -1 : 1) * Math.Pow(10, -1 + 2 * x)).ToArray();
        var h = tensor(lambda, ScalarType.Float64);
        var x = randn(n, ScalarType.Float64, generator: generator).requires_grad_();
        return (x, lambda, () => h.mul(x).dot(x).div(2));
    }

    static SaddleFreeConfig Undamped(string solver, int k) => new()
    {
        Solver = solver, KrylovDimension = k, DampingRule = "fixed", Damping = 1e-12, MinDamping = 1e-12,
    };

    /// <summary>
    /// The undamped saddle-free step sends x_i to 0 where lambda_i &gt; 0 and to 2 x_i where lambda_i &lt; 0: away from
    /// the saddle along negative curvature. Exact and Krylov (k = n) alike; the loss strictly falls, so the step is kept.
    /// </summary>
    [Property(MaxTest = 30)]
    public bool Undamped_SFN_doubles_negative_coordinates_and_zeroes_positive_ones(ushort seed, byte size, bool krylov)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 2 + size % 20;
        var (x, lambda, loss) = DiagonalSaddle(generator, n);
        var before = x.detach().clone().data<double>().ToArray();
        var config = Undamped(krylov ? "krylov" : "exact", n);
        using var state = SaddleFreeNewton.Init(config, [x], seed);
        var step = SaddleFreeNewton.Update(config, state, [x], loss);
        var after = x.detach().data<double>().ToArray();
        var expected = before.Select((b, i) => lambda[i] > 0 ? 0 : 2 * b).ToArray();
        return step.Metrics["accepted"] == 1 && step.Metrics["loss_after"] < step.Metrics["loss"]
            && after.Select((a, i) => Math.Abs(a - expected[i]) < 1e-8 * Math.Max(1, Math.Abs(expected[i]))).All(ok => ok);
    }

    /// <summary>Negative control: Newton's step on the same quadratic lands exactly on the saddle, x = 0.</summary>
    [Property(MaxTest = 30)]
    public bool Newton_lands_on_the_saddle(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 2 + size % 20;
        var (x, _, loss) = DiagonalSaddle(generator, n);
        var products = At(x, loss);
        var (d, _) = CurvatureModels.Exact(products, n, StepRule.Signed).Step(products.Gradient, 1e-12);
        return MaxAbs(x.detach().add(d)) < 1e-9 * Math.Max(1, MaxAbs(x.detach()));
    }

    /// <summary>With damping mu: x_i' = x_i (1 - lambda_i / (|lambda_i| + mu)) (seq.md 3.8).</summary>
    [Property(MaxTest = 30)]
    public bool The_damped_step_follows_the_closed_form(ushort seed, byte size, byte damping)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 2 + size % 20;
        var mu = 0.01 + damping / 25.0;
        var (x, lambda, loss) = DiagonalSaddle(generator, n);
        var products = At(x, loss);
        var (d, _) = CurvatureModels.Exact(products, n, StepRule.Absolute).Step(products.Gradient, mu);
        var expected = tensor(lambda.Select(l => 1 - l / (Math.Abs(l) + mu)).ToArray(), ScalarType.Float64).mul(x.detach());
        return RelativeError(x.detach().add(d), expected) < 1e-10;
    }

    /// <summary>g.d &lt; 0 for every solver and damping on a tanh network at a random point (seq.md 3.8: g.d = -sum g_i^2 w_i).</summary>
    [Property(MaxTest = 20)]
    public bool Every_saddle_free_step_is_a_descent_direction(ushort seed, byte damping)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var (theta, loss) = TanhNetwork(generator);
        var products = At(theta, loss);
        var g = products.Gradient;
        var n = theta.numel();
        CurvatureModel[] models =
        [
            CurvatureModels.Exact(products, n, StepRule.Absolute),
            CurvatureModels.Krylov(products, g, 5, true, StepRule.Absolute),
            CurvatureModels.SquaredKrylov(products, g, 5, true),
        ];
        var mu = Math.Pow(10, -4 + damping % 7);
        return models.All(m => m.Step(g, mu).Step.dot(g).item<double>() < 0);
    }

    /// <summary>With k = n the Krylov step is the exact one, and the Hessian-free step is -(H^2 + mu^2)^-1/2 g exactly.</summary>
    [Property(MaxTest = 20)]
    public bool With_k_equal_to_n_the_Krylov_steps_equal_the_exact_matrix_functions(ushort seed, byte damping)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var (theta, loss) = TanhNetwork(generator, inputs: 2, hidden: 3);
        var products = At(theta, loss);
        var (g, n) = (products.Gradient, (int)theta.numel());
        var mu = 0.05 + damping / 100.0;
        var exact = CurvatureModels.Exact(products, n, StepRule.Absolute).Step(g, mu).Step;
        var krylov = CurvatureModels.Krylov(products, g, n, true, StepRule.Absolute).Step(g, mu).Step;
        var (values, vectors) = linalg.eigh(CurvatureModels.Hessian(products, n));
        var inverseRoot = vectors.matmul(values.mul(values).add(mu * mu).rsqrt().mul(vectors.t().matmul(g))).neg();
        var squared = CurvatureModels.SquaredKrylov(products, g, n, true).Step(g, mu).Step;
        return RelativeError(krylov, exact) < 1e-8 && RelativeError(squared, inverseRoot) < 1e-6;
    }

    /// <summary>In the Lanczos basis with k = n, V^T |T| V equals |H| (seq.md 3.8: subspace |H|).</summary>
    [Property(MaxTest = 20)]
    public bool The_subspace_absolute_value_is_the_absolute_value_of_H(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 2 + size % 40;
        var spectrum = CalibrationSpectrum(n, generator);
        var h = Symmetric(spectrum, generator);
        var basis = Lanczos.Run(Times(h), randn(n, ScalarType.Float64, generator: generator), n, reorthogonalize: true);
        var (values, q) = linalg.eigh(basis.Tridiagonal());
        var absT = q.matmul(diag(values.abs())).matmul(q.t());
        var (hValues, hVectors) = linalg.eigh(h);
        var absH = hVectors.matmul(diag(hValues.abs())).matmul(hVectors.t());
        return MaxAbs(basis.Vectors.t().matmul(absT).matmul(basis.Vectors).sub(absH)) < 1e-10 * 10;
    }
}
