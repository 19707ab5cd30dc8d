using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Irm;

/// <summary>
/// The reference MLP (irm_ngu.md 1.5): Linear(C·P → H), ReLU, Linear(H → H), ReLU, Linear(H → 1); Xavier-uniform
/// weights and zero biases. The grayscale oracle sums the channels first, so its first layer is Linear(P → H).
/// The forward takes an <see cref="IrmEnvironment"/>: the first layer applies to each colour group only the weight
/// columns of its non-zero channel, which equals the dense forward on the two-channel images. With a
/// <c>compute</c> type of bfloat16 the matrix products run in bfloat16 (float32 accumulation) on casts
/// of the float32 parameters, and the logits come back as float32: mixed precision, several times faster on CPUs
/// with bfloat16 instructions.
/// </summary>
public sealed class IrmMlp : nn.Module<IrmEnvironment, Tensor>
{
    readonly Linear input;
    readonly Linear hidden;
    readonly Linear output;
    readonly bool grayscale;
    readonly long pixels;
    readonly ScalarType? compute;

    public IrmMlp(int channels, long pixels, int width, bool grayscale, Generator generator, Device device, ScalarType? compute = null)
        : base(nameof(IrmMlp))
    {
        this.grayscale = grayscale;
        this.pixels = pixels;
        this.compute = compute;
        input = nn.Linear(grayscale ? pixels : channels * pixels, width, device: device);
        hidden = nn.Linear(width, width, device: device);
        output = nn.Linear(width, 1, device: device);
        RegisterComponents();
        using var _ = no_grad();
        foreach (var layer in new[] { input, hidden, output })
        {
            // nn.init.xavier_uniform_ with gain 1: U(-a, a), a = sqrt(6 / (fan_in + fan_out)).
            var bound = Math.Sqrt(6.0 / (layer.in_features + layer.out_features));
            layer.weight!.uniform_(-bound, bound, generator);
            layer.bias!.zero_();
        }
    }

    public override Tensor forward(IrmEnvironment environment)
    {
        if (!grayscale && environment.Channels * pixels != input.in_features)
            throw new ArgumentException($"the model takes {input.in_features} inputs, the environment has {environment.Channels} x {environment.PixelsPerChannel}");
        var parts = new List<Tensor>(environment.Channels);
        var (b1, w2, b2, w3, b3) = (Cast(input.bias!), Cast(hidden.weight!), Cast(hidden.bias!), Cast(output.weight!), Cast(output.bias!));
        for (var c = 0; c < environment.Channels; c++)
        {
            var x = environment.PixelsByChannel[c];
            if (x.shape[0] == 0) continue;
            var w1 = Cast(grayscale ? input.weight! : input.weight!.narrow(1, c * pixels, pixels));
            var h = nn.functional.linear(Cast(x), w1, b1).relu_();
            h = nn.functional.linear(h, w2, b2).relu_();
            var logits = nn.functional.linear(h, w3, b3);
            parts.Add(logits.dtype == x.dtype ? logits : logits.to_type(x.dtype));
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 0);
    }

    /// <summary>The tensor in the compute type; itself without one (the parameters' own type: nothing is added).</summary>
    Tensor Cast(Tensor t) => compute is not { } type || t.dtype == type ? t : t.to_type(type);
}
