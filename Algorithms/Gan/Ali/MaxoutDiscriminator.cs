using Pipeline.Algorithms.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// The ALI mixture discriminator (gan.md 4.2): LinearMaxout layers (a linear map to units x pieces, then the
/// maximum over each unit's pieces, Goodfellow et al. 2013), then Linear(units -> 1) giving a logit. ALI feeds it
/// concat(x, z); the GAN baseline feeds it x alone. Optional dropout on every layer's input (the image models');
/// its masks come from the run's generator, and only in training mode.
/// </summary>
public sealed class MaxoutDiscriminator : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> layers;
    readonly int units, pieces;
    readonly double dropout;
    readonly Generator random;

    public MaxoutDiscriminator(string name, int inputs, int units, int maxoutLayers, int pieces, double dropout,
        double initStd, Generator random, Device device) : base(name)
    {
        (this.units, this.pieces, this.dropout, this.random) = (units, pieces, dropout, random);
        var linear = new List<Linear> { nn.Linear(inputs, units * pieces, device: device) };
        for (var i = 1; i < maxoutLayers; i++) linear.Add(nn.Linear(units, units * pieces, device: device));
        linear.Add(nn.Linear(units, 1, device: device));
        layers = new ModuleList<Linear>(linear.ToArray());
        RegisterComponents();
        using var _ = no_grad();
        foreach (var layer in layers)
        {
            layer.weight!.normal_(0, initStd, random);
            layer.bias!.zero_();
        }
    }

    /// <summary>Inverted dropout: keep with probability 1 - p and scale by 1 / (1 - p), so evaluation needs no rescaling.</summary>
    Tensor Dropout(Tensor x)
    {
        if (!training || dropout == 0) return x;
        var keep = rand(x.shape, device: x.device, generator: random).ge_(Scalars.Of(dropout));
        return x.mul(keep).mul_(Scalars.Of(1 / (1 - dropout)));
    }

    /// <returns>one logit per row of <paramref name="input"/> (shape n x 1).</returns>
    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < layers.Count - 1; i++)
            x = layers[i].call(Dropout(x)).view(x.shape[0], units, pieces).amax(2);
        return layers[^1].call(Dropout(x));
    }
}
