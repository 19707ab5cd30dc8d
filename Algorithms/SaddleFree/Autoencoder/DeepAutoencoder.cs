using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree.Autoencoder;

/// <summary>
/// Hinton and Salakhutdinov's (2006) deep autoencoder shape, narrowed to fit 2 cores: encoder widths w_1..w_c down to a
/// linear code layer, the mirror image back up, logistic units everywhere else and logistic outputs (pixels in [0, 1]).
/// The paper's MNIST net is 784-1000-500-250-30 and back (seven hidden layers), the one Dauphin et al. continued with
/// saddle-free Newton from an SGD plateau (seq.md 3.5). Initialised like PyTorch's Linear, from an explicit generator;
/// no pretraining, which is what makes SGD plateau.
/// </summary>
public sealed class DeepAutoencoder : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> layers;
    readonly int codeLayer;

    public DeepAutoencoder(int inputs, IReadOnlyList<int> encoder, Generator generator, Device device) : base(nameof(DeepAutoencoder))
    {
        var widths = Widths(inputs, encoder);
        codeLayer = encoder.Count - 1;
        layers = new ModuleList<Linear>(widths.Zip(widths.Skip(1), (i, o) => nn.Linear(i, o, device: device)).ToArray());
        RegisterComponents();
        using var _ = no_grad();
        foreach (var layer in layers)
        {
            var bound = 1.0 / Math.Sqrt(layer.in_features);
            layer.weight!.uniform_(-bound, bound, generator);
            layer.bias!.uniform_(-bound, bound, generator);
        }
    }

    /// <summary>inputs, the encoder widths, their mirror, inputs: 784, 128, 64, 32, 8, 32, 64, 128, 784.</summary>
    public static int[] Widths(int inputs, IReadOnlyList<int> encoder) =>
        [inputs, .. encoder, .. encoder.Reverse().Skip(1), inputs];

    public static long ParameterCount(int inputs, IReadOnlyList<int> encoder)
    {
        var widths = Widths(inputs, encoder);
        return widths.Zip(widths.Skip(1), (i, o) => (long)i * o + o).Sum();
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (i != codeLayer) x = x.sigmoid();
        }
        return x;
    }
}
