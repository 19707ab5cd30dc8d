using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Irm;

/// <summary>
/// The IRMv1 penalty of one environment, ‖∇_{w | w=1.0} R^e(w · Φ)‖² (IRM paper section 3.1, eq. IRMv1), for the
/// mean binary cross-entropy with logits of Colored MNIST, computed three ways that agree (tested):
/// <list type="bullet">
/// <item><see cref="ClosedForm"/>: d/dw mean BCE(w f, y) at w = 1 is mean((σ(f) − y) f) (irm_ngu.md 1.3), a plain
/// expression of the logits, so the training loss needs one ordinary backward pass;</item>
/// <item><see cref="DoubleBackward"/>: the reference's autograd route, a gradient with create_graph then a second backward;</item>
/// <item><see cref="Unbiased"/>: the product of the gradients of two halves of a random split (paper section 3.2 and
/// appendix D, irm_ngu.md 1.2), an unbiased estimate of the squared gradient of the population risk.</item>
/// </list>
/// Logits and labels are N x 1 (or N); labels are 0/1 (or probabilities: the risk is then the expected BCE).
/// </summary>
public static class IrmPenalty
{
    /// <summary>d/dw of the mean BCE of w·f at w = 1, in closed form: mean((σ(f) − y)·f) (irm_ngu.md 1.3). A scalar.</summary>
    public static Tensor ScaleGradient(Tensor logits, Tensor labels) =>
        logits.sigmoid().sub(labels).mul(logits).mean();

    /// <summary>The squared scale gradient in closed form (irm_ngu.md 1.3).</summary>
    public static Tensor ClosedForm(Tensor logits, Tensor labels) => ScaleGradient(logits, labels).square();

    /// <summary>
    /// The reference's computation: a dummy scale w = 1.0 requiring grad, the gradient of the mean BCE of w·f
    /// with create_graph (so the result can be differentiated again), squared.
    /// </summary>
    public static Tensor DoubleBackward(Tensor logits, Tensor labels)
    {
        var scale = ones([], dtype: logits.dtype, device: logits.device).requires_grad_();
        var risk = nn.functional.binary_cross_entropy_with_logits(logits.mul(scale), labels);
        // create_graph alone does not retain the graph in TorchSharp: the training backward still needs it.
        var gradient = autograd.grad([risk], [scale], retain_graph: true, create_graph: true)[0];
        return gradient.square();
    }

    /// <summary>
    /// The product of the closed-form scale gradients of the even-indexed and the odd-indexed rows (DomainBed's
    /// split, irm_ngu.md 1.9). Unbiased for the squared gradient of the population risk when the rows are an
    /// i.i.d. sample in random order.
    /// </summary>
    public static Tensor HalfProduct(Tensor logits, Tensor labels)
    {
        var n = logits.shape[0];
        if (n < 2) throw new ArgumentException($"the two-half estimate needs at least 2 rows, got {n}", nameof(logits));
        using var even = arange(0, n, 2, device: logits.device);
        using var odd = arange(1, n, 2, device: logits.device);
        return ScaleGradient(logits.index_select(0, even), labels.index_select(0, even))
            .mul(ScaleGradient(logits.index_select(0, odd), labels.index_select(0, odd)));
    }

    /// <summary>
    /// The unbiased estimate of appendix D: a random permutation drawn from <paramref name="generator"/>, then the
    /// product of the two halves' gradients (<see cref="HalfProduct"/>). It may be negative.
    /// </summary>
    public static Tensor Unbiased(Tensor logits, Tensor labels, Generator generator)
    {
        using var order = randperm(logits.shape[0], device: logits.device, generator: generator);
        return HalfProduct(logits.index_select(0, order), labels.index_select(0, order));
    }

    /// <summary>The penalty by the method named in <see cref="IrmConfig.Penalty"/>.</summary>
    public static Tensor Of(string method, Tensor logits, Tensor labels, Generator generator) => method switch
    {
        IrmConfig.ClosedForm => ClosedForm(logits, labels),
        IrmConfig.DoubleBackward => DoubleBackward(logits, labels),
        IrmConfig.Unbiased => Unbiased(logits, labels, generator),
        _ => throw new ArgumentException($"unknown penalty method '{method}'", nameof(method)),
    };
}
