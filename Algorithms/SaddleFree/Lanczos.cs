using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// The Lanczos basis of a symmetric operator A from a start vector: orthonormal rows V (m x n) with
/// V A V^T = T, the symmetric tridiagonal with diagonal <see cref="Alpha"/> and off-diagonal <see cref="Beta"/>
/// (all positive). m is the requested k unless the Krylov subspace became invariant earlier.
/// </summary>
public sealed record LanczosBasis(Tensor Vectors, double[] Alpha, double[] Beta)
{
    public int Dimension => Alpha.Length;

    /// <summary>T as a dense m x m float64 tensor.</summary>
    public Tensor Tridiagonal()
    {
        var m = Dimension;
        var t = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            t[i * m + i] = Alpha[i];
            if (i + 1 < m) t[i * m + i + 1] = t[(i + 1) * m + i] = Beta[i];
        }
        return tensor(t, [m, m], ScalarType.Float64);
    }

    /// <summary>
    /// The Krylov approximation of f(A) b when the basis was started from b: ||b|| V^T f(T) e_1
    /// (seq.md 3.4, 3.8: the matrix-function form SFHF relies on; exact when m = n).
    /// </summary>
    public Tensor ApplyFunction(Func<double, double> f, double startNorm)
    {
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh(Tridiagonal());
        var lambda = values.data<double>().ToArray();
        var weights = tensor(lambda.Select(l => f(l) * startNorm).ToArray(), ScalarType.Float64);
        // f(T) e_1 = Q f(Lambda) Q^T e_1, and Q^T e_1 is Q's first row.
        var coefficients = vectors.matmul(weights.mul(vectors[0]));
        return coefficients.matmul(Vectors).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The Lanczos process (seq.md 3.3, 3.8). With full re-orthogonalisation every new vector is projected off all
/// previous ones twice (block form, w - V^T (V w); "twice is enough"), which keeps V^T V = I to rounding; without
/// it, the three-term recurrence in Paige's order loses orthogonality once Ritz values converge and produces ghost
/// copies of them (Dauphin et al. ran it that way).
/// </summary>
public static class Lanczos
{
    /// <summary>A beta this small relative to the spectrum's scale means the Krylov subspace is invariant: stop.</summary>
    const double Breakdown = 1e-12;

    /// <param name="apply">v -> A v on flat float64 vectors; A must be symmetric.</param>
    /// <param name="start">any non-zero vector; normalised here.</param>
    /// <param name="steps">k, the most vectors to build (each costs one <paramref name="apply"/>).</param>
    public static LanczosBasis Run(Func<Tensor, Tensor> apply, Tensor start, int steps, bool reorthogonalize)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "at least one Lanczos step");
        var n = start.numel();
        if (steps > n) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"at most n = {n} Lanczos vectors");
        using var scope = NewDisposeScope();
        var basis = zeros([steps, n], ScalarType.Float64);
        var startNorm = start.norm();
        if (startNorm.item<double>() == 0) throw new ArgumentException("the Lanczos start vector is zero", nameof(start));
        basis[0].copy_(start.to_type(ScalarType.Float64).div(startNorm));
        var (alpha, beta) = (new List<double>(), new List<double>());
        var scale = 0.0;
        for (var j = 0; ; j++)
        {
            using var step = NewDisposeScope();
            var v = basis[j];
            var w = apply(v);
            if (j > 0)
            {
                using var previousBeta = (-beta[j - 1]).ToScalar(); // held: see Core/Scalars
                w.add_(basis[j - 1], alpha: previousBeta);
            }
            var a = v.dot(w);
            w.sub_(v.mul(a));
            alpha.Add(a.item<double>());
            if (reorthogonalize)
            {
                var previous = basis.narrow(0, 0, j + 1);
                for (var pass = 0; pass < 2; pass++) w.sub_(previous.matmul(w).matmul(previous));
            }
            if (j + 1 == steps) break;
            var b = w.norm();
            var bValue = b.item<double>();
            scale = Math.Max(scale, Math.Max(Math.Abs(alpha[^1]), bValue));
            if (!double.IsFinite(bValue) || bValue <= Breakdown * scale) break;
            beta.Add(bValue);
            basis[j + 1].copy_(w.div(b));
        }
        var m = alpha.Count;
        // A view, not a copy: the k x n buffer is the largest allocation of a step.
        return new LanczosBasis(basis.narrow(0, 0, m).MoveToOuterDisposeScope(), [.. alpha], [.. beta]);
    }
}
