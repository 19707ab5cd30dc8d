using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Divergences;

/// <summary>
/// MMD^2_k = E k(X, X') + E k(Y, Y') - 2 E k(X, Y) (Gretton et al. 2012; gan.md 5.2, 5.4). The biased estimator
/// (all pairs) is >= 0 for a positive-definite kernel but positive in expectation when P = Q; the unbiased one
/// (i != j within a sample) has expectation 0 when P = Q and may be negative. Blocked and differentiable.
/// </summary>
public static class MaximumMeanDiscrepancy
{
    public static Tensor Tensor(Tensor x, Tensor y, Kernel kernel, bool unbiased)
    {
        Samples.Check(x, y);
        var (a, b) = EnergyDistance.Centred(x, y);
        var xx = PairwiseMeans.Mean(a, a, kernel.OfSquaredDistance, excludeDiagonal: unbiased);
        var yy = PairwiseMeans.Mean(b, b, kernel.OfSquaredDistance, excludeDiagonal: unbiased);
        var xy = PairwiseMeans.Mean(a, b, kernel.OfSquaredDistance, excludeDiagonal: false);
        return xx.add(yy).sub(xy.mul(Scalars.Of(2)));
    }

    public static double Squared(Tensor x, Tensor y, Kernel kernel, bool unbiased)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Tensor(x, y, kernel, unbiased).item<double>();
    }
}
