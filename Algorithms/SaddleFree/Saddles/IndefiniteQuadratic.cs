using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree.Saddles;

/// <summary>
/// f = theta^T H theta / 2 with H = Q diag(lambda) Q^T, a random rotation Q and a known spectrum: 15 positive
/// eigenvalues log-uniform in [0.1, 10] and 5 negative ones log-uniform in [-1, -0.01]. The saddle at 0 has weak
/// negative curvature next to strong positive curvature, the regime where gradient descent (step below 2 / 10)
/// escapes slowly and the saddle-free step, which rescales every direction by 1 / |lambda|, does not.
/// </summary>
public sealed class IndefiniteQuadratic : SaddleProblem
{
    public const int Size = 20;
    const int Negative = 5;

    readonly Tensor hessian;

    public IndefiniteQuadratic(Generator random)
    {
        using var scope = NewDisposeScope();
        var u = rand(Size, ScalarType.Float64, generator: random).data<double>().ToArray();
        Spectrum = u.Select((x, i) => i < Negative ? -Math.Pow(10, -2 + 2 * x) : Math.Pow(10, -1 + 2 * x)).Order().ToArray();
        var (q, _) = linalg.qr(randn([Size, Size], ScalarType.Float64, generator: random));
        hessian = q.matmul(diag(tensor(Spectrum, ScalarType.Float64))).matmul(q.t()).MoveToOuterDisposeScope();
    }

    public override string Name => "quadratic";
    public override long Dimension => Size;

    /// <summary>The eigenvalues of H, ascending.</summary>
    public double[] Spectrum { get; }

    public override Tensor Loss(Tensor theta) => hessian.matmul(theta).dot(theta).div(Core.Scalars.Of(2));

    public override void Dispose() => hessian.Dispose();
}
