using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// ALI's two losses from discriminator logits (gan.md 4.1, ali/bricks.py), d on encoder pairs (x, G_z(x)) ~ q(x, z)
/// and s on decoder pairs (G_x(z), z) ~ p(x, z), written with softplus so they stay finite for any logit
/// (-log sigmoid(a) = softplus(-a), -log(1 - sigmoid(a)) = softplus(a)):
/// L_D = mean[softplus(-d) + softplus(s)], the discriminator's cross-entropy labelling encoder pairs 1 (= -V);
/// L_G = mean[softplus(d) + softplus(-s)], the non-saturating generator loss with the labels swapped.
/// Their sum is mean[h(d) + h(s)] with h(a) = log(2 + 2 cosh a) >= log 4 (gan.md 4.5).
/// With the data as the encoder side and no z, the same losses are the GAN baseline's.
/// </summary>
public static class AliLosses
{
    public static Tensor Discriminator(Tensor encoderLogits, Tensor decoderLogits) =>
        ScalarFree.Softplus(encoderLogits.neg()).mean().add(ScalarFree.Softplus(decoderLogits).mean());

    public static Tensor Generator(Tensor encoderLogits, Tensor decoderLogits) =>
        ScalarFree.Softplus(encoderLogits).mean().add(ScalarFree.Softplus(decoderLogits.neg()).mean());
}
