using TorchSharp;
using Pipeline.Algorithms.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Classifier;

/// <summary>Linear, ReLU and dropout layers; dropout masks come from an explicit generator, never the global one.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> layers;
    readonly double dropout;

    public Mlp(int inputs, int hidden, int depth, int outputs, double dropout, Generator generator, Device device) : base(nameof(Mlp))
    {
        this.dropout = dropout;
        var widths = new[] { inputs }.Concat(Enumerable.Repeat(hidden, depth)).Append(outputs).ToArray();
        layers = new ModuleList<Linear>(widths.Zip(widths.Skip(1), (i, o) => nn.Linear(i, o, device: device)).ToArray());
        RegisterComponents();
        ResetParameters(generator);
    }

    /// <summary>PyTorch's default Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from <paramref name="generator"/>.</summary>
    void ResetParameters(Generator generator)
    {
        using var _ = no_grad();
        foreach (var layer in layers)
        {
            var bound = 1.0 / Math.Sqrt(layer.in_features);
            layer.weight!.uniform_(-bound, bound, generator);
            layer.bias!.uniform_(-bound, bound, generator);
        }
    }

    /// <summary>Training-mode dropout needs <see cref="DropoutGenerator"/>; evaluation mode uses none.</summary>
    public Generator? DropoutGenerator { get; set; }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (i == layers.Count - 1) break;
            x = x.relu_();
            if (training && dropout > 0)
            {
                var keep = rand(x.shape, device: x.device, generator: DropoutGenerator).ge(Scalars.Of(dropout));
                x = x.mul(keep).div_(Scalars.Of(1 - dropout));
            }
        }
        return x;
    }
}
