using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu.Networks;

/// <summary>
/// The torso's shape: the observation's, the dense output's, the stride of the second convolution, and whether the
/// convolution features also reach the dense layer through a global max-pool (<see cref="Torso"/>).
/// </summary>
public sealed record TorsoSpec(int[] ObservationShape, int Features, int SecondStride = 1, bool GlobalPool = false);

/// <summary>
/// The feature extractor shared by NGU's networks, chosen by the observation's rank: for [C, H, W] grids the Disco Maze
/// torso of Table 7 (3x3 convolutions, stride 1, 16 then 32 filters; a second stride of 2 quarters the cost on a CPU)
/// and a dense layer; for flat [D] observations two dense layers. Maps [N, ...observation] to [N, Features].
/// With <see cref="TorsoSpec.GlobalPool"/> the dense layer also sees each filter's maximum over the grid: a local
/// pattern ("a wall next to the agent") is then one feature wherever it occurs, instead of one weight per cell to learn.
/// </summary>
public sealed class Torso : nn.Module<Tensor, Tensor>
{
    readonly Sequential? convolutions;
    readonly Sequential dense;
    readonly bool pool;

    public Torso(string name, TorsoSpec spec, Device device) : base(name)
    {
        var (shape, features, stride) = (spec.ObservationShape, spec.Features, spec.SecondStride);
        Features = features;
        pool = spec.GlobalPool;
        switch (shape.Length)
        {
            case 3:
                convolutions = nn.Sequential(
                    nn.Conv2d(shape[0], 16, 3, stride: 1, padding: 1, device: device), nn.ReLU(),
                    nn.Conv2d(16, 32, 3, stride: stride, padding: 1, device: device), nn.ReLU());
                var inputs = 32L * Reduced(shape[1], stride) * Reduced(shape[2], stride) + (pool ? 32 : 0);
                dense = nn.Sequential(nn.Linear(inputs, features, device: device), nn.ReLU());
                break;
            case 1:
                dense = nn.Sequential(
                    nn.Linear(shape[0], features, device: device), nn.ReLU(),
                    nn.Linear(features, features, device: device), nn.ReLU());
                break;
            default:
                throw new ArgumentException($"observations must have shape [C, H, W] or [D]; got [{string.Join(", ", shape)}]", nameof(spec));
        }
        RegisterComponents();
    }

    public int Features { get; }

    /// <summary>The size after a 3x3 convolution with padding 1 and this stride.</summary>
    static long Reduced(int size, int stride) => (size - 1) / stride + 1;

    public override Tensor forward(Tensor observations)
    {
        if (convolutions is null) return dense.call(observations);
        using var scope = NewDisposeScope();
        var maps = convolutions.call(observations);
        var flat = maps.flatten(1);
        var input = pool ? cat([flat, maps.amax([2, 3])], 1) : flat;
        return dense.call(input).MoveToOuterDisposeScope();
    }
}
