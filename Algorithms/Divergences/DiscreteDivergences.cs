using static TorchSharp.torch;

namespace Pipeline.Algorithms.Divergences;

/// <summary>
/// Divergences between two probability mass functions on the same finite set (float64): Jensen-Shannon (nats),
/// both Kullback-Leiblers (+infinity where the first has mass the second has not) and total variation.
/// </summary>
public static class DiscreteDivergences
{
    public static double KullbackLeibler(Tensor p, Tensor q)
    {
        using var scope = NewDisposeScope();
        var (a, b) = (p.to_type(ScalarType.Float64), q.to_type(ScalarType.Float64));
        if (a.gt(0).logical_and(b.eq(0)).any().item<bool>()) return double.PositiveInfinity;
        var support = a.gt(0);
        return a.masked_select(support).mul(a.masked_select(support).div(b.masked_select(support)).log()).sum().item<double>();
    }

    public static double JensenShannon(Tensor p, Tensor q)
    {
        using var scope = NewDisposeScope();
        var m = p.to_type(ScalarType.Float64).add(q.to_type(ScalarType.Float64)).div(2);
        return (KullbackLeibler(p, m) + KullbackLeibler(q, m)) / 2;
    }

    public static double TotalVariation(Tensor p, Tensor q)
    {
        using var scope = NewDisposeScope();
        return p.to_type(ScalarType.Float64).sub(q.to_type(ScalarType.Float64)).abs().sum().item<double>() / 2;
    }
}
