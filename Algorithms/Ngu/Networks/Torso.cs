using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu.Networks;

/// <summary>The torso's shape: the observation's, the dense output's, and the stride of the second convolution.</summary>
public sealed record TorsoSpec(int[] ObservationShape, int Features, int SecondStride = 1);

/// <summary>
/// The feature extractor shared by NGU's networks, chosen by the observation's rank: for [C, H, W] grids the Disco Maze
/// torso of Table 7 (3x3 convolutions, stride 1, 16 then 32 filters; a second stride of 2 quarters the cost on a CPU)
/// and a dense layer; for flat [D] observations two dense layers. Maps [N, ...observation] to [N, Features].
/// </summary>
public sealed class Torso : nn.Module<Tensor, Tensor>
{
    readonly Sequential layers;

    public Torso(string name, TorsoSpec spec, Device device) : base(name)
    {
        var (observationShape, features, stride) = (spec.ObservationShape, spec.Features, spec.SecondStride);
        Features = features;
        layers = observationShape.Length switch
        {
            3 => nn.Sequential(
                nn.Conv2d(observationShape[0], 16, 3, stride: 1, padding: 1, device: device), nn.ReLU(),
                nn.Conv2d(16, 32, 3, stride: stride, padding: 1, device: device), nn.ReLU(),
                nn.Flatten(),
                nn.Linear(32L * Reduced(observationShape[1], stride) * Reduced(observationShape[2], stride), features, device: device), nn.ReLU()),
            1 => nn.Sequential(
                nn.Linear(observationShape[0], features, device: device), nn.ReLU(),
                nn.Linear(features, features, device: device), nn.ReLU()),
            _ => throw new ArgumentException($"observations must have shape [C, H, W] or [D]; got [{string.Join(", ", observationShape)}]", nameof(observationShape)),
        };
        RegisterComponents();
    }

    public int Features { get; }

    /// <summary>The size after a 3x3 convolution with padding 1 and this stride.</summary>
    static long Reduced(int size, int stride) => (size - 1) / stride + 1;

    public override Tensor forward(Tensor observations) => layers.call(observations);
}
