using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>Both players' gradients at the same parameters, and the forward pass's statistics; owns the gradient tensors.</summary>
public sealed record PlayerGradients(
    double DiscriminatorLoss, double GeneratorLoss, double EncoderPairProbability, double DecoderPairProbability,
    IReadOnlyList<Tensor> Discriminator, IReadOnlyList<Tensor> Generator) : IDisposable
{
    public void Dispose()
    {
        foreach (var g in Discriminator.Concat(Generator)) g.Dispose();
    }
}

/// <summary>
/// ALI's training step as the reference code runs it (gan.md 4.1, ali/algorithms.py): one forward pass, the
/// gradient of L_D with respect to the discriminator and of L_G with respect to the encoder and decoder both taken
/// at the current parameters, then both Adam steps. A simultaneous 1:1 update; computing the generator's gradient
/// after the discriminator's step would be a different (sequential) algorithm (gan.md 4.4).
/// </summary>
public static class SimultaneousUpdate
{
    /// <summary>
    /// Draws eps (for the encoder) and z ~ p(z) from the state's generator, in that order, and returns both players'
    /// gradients without changing any parameter (the batch-norm population statistics do move, as in any training
    /// forward pass).
    /// </summary>
    public static PlayerGradients Gradients(AliState state, Tensor x)
    {
        DataChecks.Matrix(x, state.Config.DataDim, 2, nameof(x));
        using var scope = NewDisposeScope();
        var m = x.shape[0];
        Tensor encoderSide, decoderSide;
        if (state.Encoder is { } encoder)
        {
            var zHat = encoder.call(x, state.Noise(m, encoder.NoiseDim));
            var z = state.Noise(m, state.Config.LatentDim);
            encoderSide = cat([x, zHat], 1);
            decoderSide = cat([state.Decoder.call(z), z], 1);
        }
        else
        {
            encoderSide = x;
            decoderSide = state.Decoder.call(state.Noise(m, state.Config.LatentDim));
        }
        // One discriminator pass over both kinds of pairs, split afterwards (the reference's get_predictions).
        var logits = state.Discriminator.call(cat([encoderSide, decoderSide], 0)).squeeze(1);
        var (d, s) = (logits.narrow(0, 0, m), logits.narrow(0, m, m));
        var discriminatorLoss = AliLosses.Discriminator(d, s);
        var generatorLoss = AliLosses.Generator(d, s);
        // retain_graph: the generator's gradient runs through the same graph; TorchSharp does not imply it.
        var dGrad = autograd.grad([discriminatorLoss], [.. state.DiscriminatorParameters], retain_graph: true);
        var gGrad = autograd.grad([generatorLoss], [.. state.GeneratorParameters], retain_graph: false);
        using var _ = no_grad();
        return new PlayerGradients(
            discriminatorLoss.item<float>(), generatorLoss.item<float>(), d.sigmoid().mean().item<float>(), s.sigmoid().mean().item<float>(),
            dGrad.Select(g => g.MoveToOuterDisposeScope()).ToArray(), gGrad.Select(g => g.MoveToOuterDisposeScope()).ToArray());
    }

    /// <summary>One simultaneous step on the batch <paramref name="x"/>; the state is consumed and returned.</summary>
    public static Step<AliState> Step(AliState state, Tensor x)
    {
        using var gradients = Gradients(state, x);
        Apply(state.AdamSettings, state.DiscriminatorAdam, state.DiscriminatorParameters, gradients.Discriminator);
        Apply(state.AdamSettings, state.GeneratorAdam, state.GeneratorParameters, gradients.Generator);
        state.Steps++;
        var inference = state.Encoder is not null;
        return new Step<AliState>(state, Metrics.Of(
            ("discriminator_loss", gradients.DiscriminatorLoss), ("generator_loss", gradients.GeneratorLoss),
            (inference ? "d_encoder" : "d_real", gradients.EncoderPairProbability),
            (inference ? "d_decoder" : "d_fake", gradients.DecoderPairProbability),
            ("discriminator_grad_norm", Norm(gradients.Discriminator)), ("generator_grad_norm", Norm(gradients.Generator))));
    }

    static void Apply(AdamConfig settings, AdamState adam, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients)
    {
        for (var i = 0; i < parameters.Count; i++) parameters[i].grad = gradients[i];
        Adam.Update(settings, adam, parameters);
        foreach (var p in parameters) p.grad = null;
    }

    /// <summary>The L2 norm of a list of gradients together, in float64.</summary>
    public static double Norm(IReadOnlyList<Tensor> gradients)
    {
        using var scope = NewDisposeScope();
        return stack(gradients.Select(g => ScalarFree.Square(g.to_type(ScalarType.Float64)).sum()).ToArray()).sum().sqrt().item<double>();
    }
}
