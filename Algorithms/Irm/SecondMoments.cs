using static TorchSharp.torch;

namespace Pipeline.Algorithms.Irm;

/// <summary>
/// An environment of a linear least-squares problem reduced to its second moments, batched over P independent
/// problems: <see cref="Gram"/> XᵀX/n (P x d x d), <see cref="Cross"/> Xᵀy/n (P x d x 1), <see cref="Square"/> yᵀy/n (P).
/// The mean squared error of any linear predictor v is vᵀ·Gram·v − 2·Crossᵀ·v + Square, so an IRM step costs
/// d x d products, not passes over the samples.
/// </summary>
public sealed record SecondMoments(Tensor Gram, Tensor Cross, Tensor Square) : IDisposable
{
    /// <summary>The moments of one sample set: inputs n x d, targets n x 1 (a batch of one problem).</summary>
    public static SecondMoments Of(Tensor inputs, Tensor targets)
    {
        var n = inputs.shape[0];
        if (n == 0) throw new ArgumentException("an environment needs at least one sample", nameof(inputs));
        using var scope = NewDisposeScope();
        return new(inputs.t().matmul(inputs).div_(n).unsqueeze(0).MoveToOuterDisposeScope(),
            inputs.t().matmul(targets).div_(n).unsqueeze(0).MoveToOuterDisposeScope(),
            targets.square().mean().unsqueeze(0).MoveToOuterDisposeScope());
    }

    /// <summary>Problems side by side on <paramref name="device"/>: each of <paramref name="parts"/>, repeated <paramref name="times"/> times in a row.</summary>
    public static SecondMoments Stack(IReadOnlyList<SecondMoments> parts, int times, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor Join(Func<SecondMoments, Tensor> part) =>
            cat(parts.Select(part).ToList(), 0).repeat_interleave(times, dim: 0).to(device).MoveToOuterDisposeScope();
        return new(Join(p => p.Gram), Join(p => p.Cross), Join(p => p.Square));
    }

    public long Problems => Gram.shape[0];

    /// <summary>The mean squared error of the predictors <paramref name="v"/> (P x d x 1), one per problem (P).</summary>
    public Tensor Risk(Tensor v) =>
        v.transpose(1, 2).matmul(Gram.matmul(v)).view(-1).sub(Cross.transpose(1, 2).matmul(v).view(-1).mul(2)).add(Square);

    public void Dispose()
    {
        Gram.Dispose();
        Cross.Dispose();
        Square.Dispose();
    }
}
