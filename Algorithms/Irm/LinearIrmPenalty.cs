using static TorchSharp.torch;

namespace Pipeline.Algorithms.Irm;

/// <summary>
/// The IRMv1 penalty of the synthetic experiments (irm_ngu.md 1.8): the predictor is X·Φ·w with a dummy vector
/// w = (1, ..., 1) (not a scalar, as in the reference), and the penalty of an environment is the mean over the
/// coordinates of (∂ MSE / ∂w)² at w = 1. In closed form (irm_ngu.md 1.3, the MSE case generalised to a vector w),
/// ∂ MSE / ∂w = 2·Φᵀ(Gram·Φ·w − Cross): an expression of Φ that needs one ordinary backward pass.
/// </summary>
public static class LinearIrmPenalty
{
    /// <summary>Φ·w with w all ones: the row sums of Φ (P x d x 1).</summary>
    public static Tensor Predictor(Tensor phi) => phi.sum(2, keepdim: true);

    /// <summary>∂ MSE / ∂w at w = 1 in closed form, per problem (P x d x 1).</summary>
    public static Tensor ScaleGradient(SecondMoments environment, Tensor phi) =>
        phi.transpose(1, 2).matmul(environment.Gram.matmul(Predictor(phi)).sub(environment.Cross)).mul(2);

    /// <summary>The penalty per problem (P): the mean over coordinates of the squared gradient.</summary>
    public static Tensor ClosedForm(SecondMoments environment, Tensor phi) => ScaleGradient(environment, phi).square().mean([1, 2]);

    /// <summary>
    /// The reference's computation for one problem on raw samples (inputs n x d, targets n x 1, Φ d x d): MSE of
    /// x·Φ·w, autograd gradient in w with create_graph, squared, averaged over coordinates.
    /// </summary>
    public static Tensor DoubleBackward(Tensor inputs, Tensor targets, Tensor phi)
    {
        var w = ones([phi.shape[1], 1], dtype: phi.dtype, device: phi.device).requires_grad_();
        var error = nn.functional.mse_loss(inputs.matmul(phi).matmul(w), targets);
        var gradient = autograd.grad([error], [w], retain_graph: true, create_graph: true)[0];
        return gradient.square().mean();
    }
}
