using static TorchSharp.torch;

namespace Pipeline.Algorithms.Core;

/// <summary>
/// Ops that TorchSharp implements through temporary Scalars (<c>square()</c> is <c>pow(2)</c>, <c>softplus</c>
/// passes beta and threshold as Scalars), written without them; see <see cref="Scalars"/> for why that matters on
/// a multi-threaded pipeline. Same values to rounding.
/// </summary>
public static class ScalarFree
{
    public static Tensor Square(Tensor x) => x.mul(x);

    /// <summary>log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for large |x|.</summary>
    public static Tensor Softplus(Tensor x) => x.relu().add(x.abs().neg().exp().log1p());
}
