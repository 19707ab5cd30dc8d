using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Core;

/// <summary>
/// PyTorch's default initialisation redrawn from an explicit generator, so a model depends only on its seed (TorchSharp's
/// constructors draw from the global generator, which parallel tests and runs share): Linear and Conv2d weights and biases
/// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = inputs x kernel area, LSTM parameters U(-1/sqrt(hidden), 1/sqrt(hidden)).
/// </summary>
public static class SeededInit
{
    public static T PyTorchDefaults<T>(T module, Generator generator) where T : nn.Module
    {
        using var _ = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Linear linear: Uniform(linear.parameters(), 1 / Math.Sqrt(linear.in_features), generator); break;
                case Conv2d conv: Uniform(conv.parameters(), 1 / Math.Sqrt(conv.weight!.shape.Skip(1).Aggregate(1L, (a, b) => a * b)), generator); break;
                case LSTM lstm: Uniform(lstm.parameters(), 1 / Math.Sqrt(lstm.parameters().First().shape[0] / 4), generator); break;
            }
        }
        return module;
    }

    static void Uniform(IEnumerable<Parameter> parameters, double bound, Generator generator)
    {
        foreach (var p in parameters) p.uniform_(-bound, bound, generator);
    }
}
