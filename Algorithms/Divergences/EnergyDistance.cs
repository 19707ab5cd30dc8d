using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Divergences;

/// <summary>
/// The energy distance (Szekely and Rizzo) between samples x (n x d) and y (m x d):
/// ED = 2 E||X - Y|| - E||X - X'|| - E||Y - Y'|| (Geometrical Insights, gan.md 5.2, 5.4). The V-statistic (all
/// pairs) is the ED of the two empirical measures, so it is >= 0 and 0 for equal samples; the U-statistic (i != j
/// within a sample) is unbiased and may be negative. Computed in blocks of 1,024 x 1,024 (memory independent of n),
/// differentiable, so it also serves as a generator's training criterion.
/// </summary>
public static class EnergyDistance
{
    /// <summary>sqrt, with zero distances (the diagonal of x against itself) lifted to 1e-15 so the gradient is 0, not NaN.</summary>
    static Tensor Distance(Tensor squared) => squared.clamp_min(Scalars.Of(1e-30)).sqrt();

    public static Tensor VStatisticTensor(Tensor x, Tensor y) => Compute(x, y, unbiased: false);

    public static Tensor UStatisticTensor(Tensor x, Tensor y) => Compute(x, y, unbiased: true);

    public static double VStatistic(Tensor x, Tensor y) => Value(x, y, unbiased: false);

    public static double UStatistic(Tensor x, Tensor y) => Value(x, y, unbiased: true);

    static double Value(Tensor x, Tensor y, bool unbiased)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Compute(x, y, unbiased).item<double>();
    }

    static Tensor Compute(Tensor x, Tensor y, bool unbiased)
    {
        Samples.Check(x, y);
        var (a, b) = Centred(x, y);
        var xy = PairwiseMeans.Mean(a, b, Distance, excludeDiagonal: false);
        var xx = PairwiseMeans.Mean(a, a, Distance, excludeDiagonal: unbiased);
        var yy = PairwiseMeans.Mean(b, b, Distance, excludeDiagonal: unbiased);
        return xy.mul(Scalars.Of(2)).sub(xx).sub(yy);
    }

    /// <summary>Both samples in float64, minus their pooled mean: the criterion is translation invariant, and the
    /// pairwise distances' |a|^2 + |b|^2 - 2 a.b form loses less to cancellation near the origin.</summary>
    internal static (Tensor, Tensor) Centred(Tensor x, Tensor y)
    {
        var (a, b) = (x.to_type(ScalarType.Float64), y.to_type(ScalarType.Float64));
        var centre = cat([a, b]).mean([0], keepdim: true).detach();
        var centredX = a.sub(centre);
        // One sample against itself stays one tensor, so its self-distances are exactly 0 (see PairwiseMeans).
        return (centredX, ReferenceEquals(x, y) ? centredX : b.sub(centre));
    }
}
