using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Urnn;

/// <summary>
/// modReLU (uRNN section 4.2): (|z| + b) z / |z| where |z| + b >= 0, else 0, one real bias per unit. The reference
/// divides by |z| + epsilon; with b = 0 each step then shrinks a unit by |z| / (|z| + epsilon) (seq.md 1.2).
/// </summary>
public static class ModReLU
{
    public static Tensor Apply(Tensor z, Tensor bias, double epsilon)
    {
        var magnitude = z.abs();
        var scale = magnitude.add(bias).relu().div(magnitude.add(Scalars.Of(epsilon)));
        return z.mul(scale);
    }
}
