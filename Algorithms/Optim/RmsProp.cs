using Pipeline.Algorithms.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Optim;

/// <summary>
/// The two RMSProps the WGAN reference codes use (gan.md 7): PyTorch's (square average from 0, decay 0.99,
/// update g / (sqrt(v) + 1e-8)) in the WGAN authors' code, and TensorFlow 1's (square average from 1,
/// decay 0.9, update g / sqrt(v + 1e-10)) in the WGAN-GP code. Their first steps differ by about 10x.
/// </summary>
public enum RmsPropVariant
{
    PyTorch,
    TensorFlow,
    /// <summary>The uRNN reference code's (seq.md 1.4): square average from 1e-3, decay 0.9, g / sqrt(v), no epsilon.</summary>
    Urnn,
}

public sealed class RmsPropState(Tensor[] squareAverages) : IDisposable
{
    public Tensor[] SquareAverages { get; } = squareAverages;

    public void Dispose()
    {
        foreach (var t in SquareAverages) t.Dispose();
    }
}

/// <summary>RMSProp as an Init/Update pair; the update is applied in place from each parameter's <c>.grad</c>.</summary>
public static class RmsProp
{
    public static (double Decay, double Epsilon, double Initial) Defaults(RmsPropVariant variant) => variant switch
    {
        RmsPropVariant.PyTorch => (0.99, 1e-8, 0.0),
        RmsPropVariant.Urnn => (0.9, 0.0, 1e-3),
        _ => (0.9, 1e-10, 1.0),
    };

    public static RmsPropState Init(RmsPropVariant variant, IReadOnlyList<Tensor> parameters)
    {
        var initial = Defaults(variant).Initial;
        return new(parameters.Select(p => full_like(p, initial).DetachFromDisposeScope()).ToArray());
    }

    public static RmsPropState Update(RmsPropVariant variant, double learningRate, RmsPropState state, IReadOnlyList<Tensor> parameters)
    {
        var (decayValue, epsilonValue, _) = Defaults(variant);
        var (decay, oneMinusDecay, epsilon) = (Scalars.Of(decayValue), Scalars.Of(1 - decayValue), Scalars.Of(epsilonValue));
        var step = Scalars.Of(-learningRate);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].grad is not { } g) continue;
            var v = state.SquareAverages[i];
            v.mul_(decay).addcmul_(g, g, value: oneMinusDecay);
            var denominator = variant == RmsPropVariant.PyTorch ? v.sqrt().add_(epsilon) : v.add(epsilon).sqrt_();
            parameters[i].addcdiv_(g, denominator, value: step);
        }
        return state;
    }
}
