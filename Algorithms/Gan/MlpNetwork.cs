using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>
/// The ReLU MLPs of the WGAN-GP toy code (gan.md 2.4) and of WGAN's MLP_G/MLP_D: inputs flattened per sample,
/// <c>hiddenLayers</c> layers of <c>hidden</c> units, a linear or sigmoid output. No batch norm (a per-sample
/// gradient penalty forbids it in the critic). Initialised from an explicit generator:
/// "he-uniform" is the GP code's (He-uniform hidden layers, Glorot-uniform output, zero biases), "pytorch" is
/// torch.nn.Linear's default.
/// </summary>
public sealed class MlpNetwork : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> layers;
    readonly bool sigmoidOutput;

    public MlpNetwork(string name, int inputs, int hidden, int hiddenLayers, int outputs, bool sigmoidOutput, string init, Generator generator, Device device)
        : base(name)
    {
        this.sigmoidOutput = sigmoidOutput;
        var widths = new[] { inputs }.Concat(Enumerable.Repeat(hidden, hiddenLayers)).Append(outputs).ToArray();
        layers = new ModuleList<Linear>(widths.Zip(widths.Skip(1), (i, o) => nn.Linear(i, o, device: device)).ToArray());
        RegisterComponents();
        Initialise(init, generator);
    }

    void Initialise(string init, Generator generator)
    {
        using var _ = no_grad();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var (fanIn, fanOut) = (layer.in_features, layer.out_features);
            if (init == "pytorch")
            {
                var bound = 1.0 / Math.Sqrt(fanIn);
                layer.weight!.uniform_(-bound, bound, generator);
                layer.bias!.uniform_(-bound, bound, generator);
                continue;
            }
            var last = i == layers.Count - 1;
            var std = last ? Math.Sqrt(2.0 / (fanIn + fanOut)) : Math.Sqrt(2.0 / fanIn);
            layer.weight!.uniform_(-Math.Sqrt(3) * std, Math.Sqrt(3) * std, generator);
            layer.bias!.zero_();
        }
    }

    public override Tensor forward(Tensor input)
    {
        var x = input.flatten(1);
        for (var i = 0; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (i < layers.Count - 1) x = x.relu();
        }
        return sigmoidOutput ? x.sigmoid() : x;
    }
}
