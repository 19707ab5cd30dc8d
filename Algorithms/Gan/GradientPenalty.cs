using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>
/// WGAN-GP's two-sided penalty (GP-paper 4, eq. 3): E[(||grad_x D(x_hat)||_2 - 1)^2] with x_hat = e x + (1 - e) x~,
/// e ~ U[0, 1] drawn per sample. The norm is taken per sample over ALL non-batch dimensions: the most common
/// porting bug takes it over dimension 1 only, which for images is a per-pixel norm over channels (gan.md 2.5).
/// </summary>
public static class GradientPenalty
{
    /// <summary>The penalty (without lambda), differentiable with respect to the critic's parameters.</summary>
    /// <param name="epsilon">one mixing weight per sample, shape (m).</param>
    public static Tensor Compute(Func<Tensor, Tensor> critic, Tensor real, Tensor fake, Tensor epsilon)
    {
        var shape = new long[real.dim()];
        shape[0] = real.shape[0];
        for (var i = 1; i < shape.Length; i++) shape[i] = 1;
        var e = epsilon.reshape(shape);
        var interpolates = e.mul(real).add(e.neg().add(Scalars.Of(1)).mul(fake)).detach().requires_grad_();
        var scores = critic(interpolates);
        // create_graph so the penalty can be differentiated again; retain_graph because TorchSharp does not imply it.
        var gradient = autograd.grad([scores.sum()], [interpolates], retain_graph: true, create_graph: true)[0];
        return ScalarFree.Square(gradient.flatten(1).norm(1).sub(Scalars.Of(1))).mean();
    }
}
