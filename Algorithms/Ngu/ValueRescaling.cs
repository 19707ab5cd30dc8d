using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// R2D2's invertible value rescaling h(z) = sign(z)(sqrt(|z| + 1) - 1) + eps z and its exact inverse (Pohlen et al. 2018;
/// irm_ngu.md 2.5, 2.10). Targets are built in the untransformed space and mapped back: y = h(G + gamma^n h^-1(Q)).
/// </summary>
public static class ValueRescaling
{
    public static double H(double z, double epsilon) => Math.Sign(z) * (Math.Sqrt(Math.Abs(z) + 1) - 1) + epsilon * z;

    public static double Inverse(double z, double epsilon)
    {
        var root = (Math.Sqrt(1 + 4 * epsilon * (Math.Abs(z) + 1 + epsilon)) - 1) / (2 * epsilon);
        return Math.Sign(z) * (root * root - 1);
    }

    public static Tensor H(Tensor z, double epsilon)
    {
        using var scope = NewDisposeScope();
        var result = z.sign().mul(z.abs().add(Scalars.Of(1)).sqrt().sub(Scalars.Of(1))).add(z.mul(Scalars.Of(epsilon)));
        return result.MoveToOuterDisposeScope();
    }

    public static Tensor Inverse(Tensor z, double epsilon)
    {
        using var scope = NewDisposeScope();
        var inner = z.abs().add(Scalars.Of(1 + epsilon)).mul(Scalars.Of(4 * epsilon)).add(Scalars.Of(1)).sqrt();
        var root = inner.sub(Scalars.Of(1)).div(Scalars.Of(2 * epsilon));
        var result = z.sign().mul(root.mul(root).sub(Scalars.Of(1)));
        return result.MoveToOuterDisposeScope();
    }
}
