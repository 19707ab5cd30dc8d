using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Divergences;

/// <summary>
/// The energy distance (Szekely and Rizzo) between samples x (n x d) and y (m x d):
/// ED = 2 E||X - Y|| - E||X - X'|| - E||Y - Y'||, V-statistic (all pairs, diagonal included), in float64.
/// Zero when the samples are equal; a metric on distributions (Geometrical Insights, gan.md 5.2).
/// </summary>
public static class EnergyDistance
{
    public static double VStatistic(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var a = x.to_type(ScalarType.Float64).flatten(1);
        var b = y.to_type(ScalarType.Float64).flatten(1);
        var xy = cdist(a, b).mean();
        var xx = cdist(a, a).mean();
        var yy = cdist(b, b).mean();
        return xy.mul(Scalars.Of(2)).sub(xx).sub(yy).item<double>();
    }
}
