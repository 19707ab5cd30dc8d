using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// The generator networks of the ALI mixture code (gan.md 4.2): hidden layers Linear -> BatchNorm -> ReLU with no
/// bias (the batch norm's shift replaces it), then a linear output layer with a bias. Without batch norm the hidden
/// layers get biases. Weights start N(0, std) from an explicit generator, biases at 0, batch-norm scale 1 and shift 0.
/// The population statistics are buffers (<see cref="nn.Module.buffers"/>), saved with the parameters.
/// </summary>
public sealed class BatchNormMlp : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> layers;
    readonly ModuleList<BatchNorm1d> norms;
    readonly bool sigmoidOutput;

    public BatchNormMlp(string name, int inputs, int hidden, int hiddenLayers, int outputs, bool batchNorm, double momentum,
        bool sigmoidOutput, double initStd, Generator generator, Device device) : base(name)
    {
        this.sigmoidOutput = sigmoidOutput;
        var widths = new[] { inputs }.Concat(Enumerable.Repeat(hidden, hiddenLayers)).Append(outputs).ToArray();
        layers = new ModuleList<Linear>(widths.Zip(widths.Skip(1), (i, o) => (i, o))
            .Select((w, k) => nn.Linear(w.i, w.o, hasBias: !batchNorm || k == hiddenLayers, device: device)).ToArray());
        norms = new ModuleList<BatchNorm1d>(batchNorm
            ? Enumerable.Range(0, hiddenLayers).Select(_ => nn.BatchNorm1d(hidden, momentum: momentum, device: device)).ToArray()
            : []);
        RegisterComponents();
        using var _ = no_grad();
        foreach (var layer in layers)
        {
            layer.weight!.normal_(0, initStd, generator);
            layer.bias?.zero_();
        }
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (i == layers.Count - 1) break;
            if (norms.Count > 0) x = norms[i].call(x);
            x = x.relu();
        }
        return sigmoidOutput ? x.sigmoid() : x;
    }
}
