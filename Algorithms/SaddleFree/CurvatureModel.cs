using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>How a step rescales each eigendirection of the curvature model (seq.md 3.2, 3.4).</summary>
public enum StepRule
{
    /// <summary>Saddle-free Newton: -g_i / (|lambda_i| + mu), always downhill.</summary>
    Absolute,
    /// <summary>Damped Newton: -g_i / (lambda_i + mu), uphill along lambda_i &lt; -mu: attracted by saddles.</summary>
    Signed,
    /// <summary>Values are eigenvalues sigma_i of H^2: -g_i / sqrt(sigma_i + mu^2) = -g_i / sqrt(lambda_i^2 + mu^2).</summary>
    InverseSquareRoot,
}

/// <summary>
/// A quadratic model of f near theta_0 in an orthonormal basis: the rows Y = Q^T V (m x n) diagonalise the curvature
/// operator (H, or H^2 for the Hessian-free form) with eigenvalues <see cref="Values"/>; <see cref="HessianInBasis"/> is
/// Y H Y^T, for the predicted decrease g.d + d.Hd/2 that the Levenberg-Marquardt rule compares with the real one.
/// For the Krylov solvers V is the Lanczos basis and Q the eigenvectors of T, and g lies in span(V) because Lanczos
/// starts from it; Y is never formed (that would cost k^2 n): a step is (Q a)^T V. For the exact solver V holds the
/// eigenvectors of H and Q is the identity.
/// </summary>
/// <param name="Rotation">Q (m x m), or null for the identity.</param>
public sealed record CurvatureModel(Tensor Basis, Tensor? Rotation, double[] Values, Tensor HessianInBasis, StepRule Rule, int Products)
{
    /// <summary>The most negative eigenvalue of H the model saw (a Ritz value: an upper bound on lambda_min(H)).</summary>
    public double MinEigenvalue { get; init; }

    /// <summary>The largest eigenvalue of H the model saw.</summary>
    public double MaxEigenvalue { get; init; }

    public int Dimension => Values.Length;

    double Weight(double value, double damping) => Rule switch
    {
        StepRule.Absolute => 1 / (Math.Abs(value) + damping),
        StepRule.Signed => 1 / (value + damping),
        _ => 1 / Math.Sqrt(Math.Max(value, 0) + damping * damping),
    };

    /// <summary>The step d for gradient <paramref name="gradient"/> and damping mu, and the model's change g.d + d.Hd/2.</summary>
    public (Tensor Step, double Predicted) Step(Tensor gradient, double damping)
    {
        using var scope = NewDisposeScope();
        var projected = Basis.matmul(gradient);
        var c = Rotation is null ? projected : Rotation.t().matmul(projected);
        var w = tensor(Values.Select(v => Weight(v, damping)).ToArray(), ScalarType.Float64);
        var a = c.mul(w).neg();
        var predicted = c.dot(a).item<double>() + HessianInBasis.matmul(a).dot(a).item<double>() / 2;
        var coefficients = Rotation is null ? a : Rotation.matmul(a);
        return (coefficients.matmul(Basis).MoveToOuterDisposeScope(), predicted);
    }
}

/// <summary>Builds the curvature models of the three solvers from Hessian-vector products at one point.</summary>
public static class CurvatureModels
{
    /// <summary>The full Hessian, one product per coordinate vector, symmetrised against rounding.</summary>
    public static Tensor Hessian(HessianVectorProducts products, long n)
    {
        using var scope = NewDisposeScope();
        var rows = zeros([n, n], ScalarType.Float64);
        for (var i = 0; i < n; i++)
        {
            using var row = NewDisposeScope();
            var e = zeros(n, ScalarType.Float64);
            e[i] = 1.0;
            rows[i].copy_(products.Apply(e));
        }
        return rows.add(rows.t()).div_(Core.Scalars.Of(2)).MoveToOuterDisposeScope();
    }

    /// <summary>Exact SFN or Newton: H = U Lambda U^T by eigendecomposition (seq.md 3.7: at most a few thousand parameters).</summary>
    public static CurvatureModel Exact(HessianVectorProducts products, long n, StepRule rule)
    {
        using var scope = NewDisposeScope();
        var before = products.Count;
        var (values, vectors) = linalg.eigh(Hessian(products, n));
        var lambda = values.data<double>().ToArray();
        return new CurvatureModel(vectors.t().contiguous().MoveToOuterDisposeScope(), null, lambda, diag(values).MoveToOuterDisposeScope(), rule, products.Count - before)
        {
            MinEigenvalue = lambda[0],
            MaxEigenvalue = lambda[^1],
        };
    }

    /// <summary>
    /// Dauphin et al.'s Algorithm 1, steps 1-3: k Lanczos vectors of H from <paramref name="start"/> (the normalised
    /// gradient; a random direction at a critical point), T = Q Lambda Q^T, Ritz vectors Q^T V.
    /// </summary>
    public static CurvatureModel Krylov(HessianVectorProducts products, Tensor start, int k, bool reorthogonalize, StepRule rule)
    {
        using var scope = NewDisposeScope();
        var before = products.Count;
        var basis = Lanczos.Run(products.Apply, start, k, reorthogonalize);
        var (values, q) = linalg.eigh(basis.Tridiagonal());
        var lambda = values.data<double>().ToArray();
        return new CurvatureModel(basis.Vectors.MoveToOuterDisposeScope(), q.MoveToOuterDisposeScope(), lambda, diag(values).MoveToOuterDisposeScope(), rule, products.Count - before)
        {
            MinEigenvalue = lambda[0],
            MaxEigenvalue = lambda[^1],
        };
    }

    /// <summary>
    /// The Hessian-free form (seq.md 3.4, reconstructed): Lanczos on H^2 (each vector: u = Hv, then Hu) from
    /// <paramref name="start"/>; -(H^2 + mu^2)^-1/2 g is then ||g|| V^T (T + mu^2)^-1/2 e_1, no eigendecomposition of a
    /// projection of H itself. The first products u_j = H v_j are kept: V H V^T (m x m dot products, no further
    /// product) gives the predicted decrease and Ritz values of H for the lambda_min estimate.
    /// </summary>
    public static CurvatureModel SquaredKrylov(HessianVectorProducts products, Tensor start, int k, bool reorthogonalize)
    {
        using var scope = NewDisposeScope();
        var before = products.Count;
        // Copied into a buffer of this scope: Lanczos disposes what each of its steps allocates.
        var firstProducts = zeros([k, start.numel()], ScalarType.Float64, start.device);
        var next = 0;
        Tensor Squared(Tensor v)
        {
            var u = products.Apply(v);
            firstProducts[next++].copy_(u);
            return products.Apply(u);
        }
        var basis = Lanczos.Run(Squared, start, k, reorthogonalize);
        var projected = basis.Vectors.matmul(firstProducts.narrow(0, 0, basis.Dimension).t());
        projected = projected.add(projected.t()).div_(Core.Scalars.Of(2));
        var ritz = linalg.eigvalsh(projected).data<double>().ToArray();
        var (values, q) = linalg.eigh(basis.Tridiagonal());
        return new CurvatureModel(basis.Vectors.MoveToOuterDisposeScope(), q.MoveToOuterDisposeScope(), values.data<double>().ToArray(),
            q.t().matmul(projected).matmul(q).MoveToOuterDisposeScope(), StepRule.InverseSquareRoot, products.Count - before)
        {
            MinEigenvalue = ritz[0],
            MaxEigenvalue = ritz[^1],
        };
    }
}
