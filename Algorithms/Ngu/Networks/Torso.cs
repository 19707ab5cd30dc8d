using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu.Networks;

/// <summary>
/// The torso's shape: the observation's, the dense output's, the stride of the second convolution, whether the
/// convolution features also reach the dense layer through a global max-pool, and whether it also sees where
/// colours are (keypoints, with their starting sharpness; <see cref="Torso"/>).
/// </summary>
public sealed record TorsoSpec(int[] ObservationShape, int Features, int SecondStride = 1, bool GlobalPool = false, bool Keypoints = false,
    double KeypointSharpness = Torso.InitialSharpness, bool KeypointsOnly = false);

/// <summary>
/// The feature extractor shared by NGU's networks, chosen by the observation's rank: for [C, H, W] grids the Disco Maze
/// torso of Table 7 (3x3 convolutions, stride 1, 16 then 32 filters; a second stride of 2 quarters the cost on a CPU)
/// and a dense layer; for flat [D] observations two dense layers. Maps [N, ...observation] to [N, Features].
/// With <see cref="TorsoSpec.GlobalPool"/> the dense layer also sees each filter's maximum over the grid: a local
/// pattern ("a wall next to the agent") is then one feature wherever it occurs, instead of one weight per cell to learn.
/// With <see cref="TorsoSpec.Keypoints"/> the dense layer also sees keypoints (Levine et al. 2016): for each of
/// <see cref="KeypointFilters"/> 1 x 1 convolutions of the observation (a learnt colour), the spatial soft-argmax of its
/// map, i.e. the expected row and column in [-1, 1] under a softmax over the grid with one learnt inverse temperature.
/// A filter that prefers the agent's colour reports where the agent is, the same two numbers for every cell, instead of
/// a weight per cell that the flattened layer learns only when the agent stands there. With
/// <see cref="TorsoSpec.KeypointsOnly"/> the keypoints are the dense layer's only input (no convolutions).
/// </summary>
public sealed class Torso : nn.Module<Tensor, Tensor>
{
    readonly Sequential? convolutions;
    readonly Sequential dense;
    readonly bool pool;
    readonly Parameter? sharpness;
    readonly Conv2d? pointFilters;

    public Torso(string name, TorsoSpec spec, Device device) : base(name)
    {
        var (shape, features, stride) = (spec.ObservationShape, spec.Features, spec.SecondStride);
        Features = features;
        pool = spec.GlobalPool;
        switch (shape.Length)
        {
            case 3:
                var inputs = spec.Keypoints || spec.KeypointsOnly ? 2L * KeypointFilters : 0;
                if (!spec.KeypointsOnly)
                {
                    convolutions = nn.Sequential(
                        nn.Conv2d(shape[0], 16, 3, stride: 1, padding: 1, device: device), nn.ReLU(),
                        nn.Conv2d(16, 32, 3, stride: stride, padding: 1, device: device), nn.ReLU());
                    inputs += 32L * Reduced(shape[1], stride) * Reduced(shape[2], stride) + (pool ? 32 : 0);
                }
                if (spec.Keypoints || spec.KeypointsOnly)
                {
                    pointFilters = nn.Conv2d(shape[0], KeypointFilters, 1, device: device);
                    sharpness = new Parameter(full(1, spec.KeypointSharpness, device: device));
                }
                dense = nn.Sequential(nn.Linear(inputs, features, device: device), nn.ReLU());
                break;
            case 1:
                if (spec.Keypoints || spec.KeypointsOnly) throw new ArgumentException("keypoints need a [C, H, W] observation", nameof(spec));
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

    /// <summary>
    /// The soft-argmax's default starting inverse temperature: colour responses of a fresh 1 x 1 filter differ by tenths,
    /// so 50 makes the softmax nearly an argmax from the start (on the Disco Maze a filter that prefers green points
    /// at the agent at once; docs/NGU.md).
    /// </summary>
    public const double InitialSharpness = 50;

    /// <summary>Keypoint filters: 1 x 1 convolutions of the observation, each a colour to locate.</summary>
    public const int KeypointFilters = 16;

    /// <summary>The size after a 3x3 convolution with padding 1 and this stride.</summary>
    static long Reduced(int size, int stride) => (size - 1) / stride + 1;

    public override Tensor forward(Tensor observations)
    {
        if (convolutions is null && sharpness is null) return dense.call(observations);
        using var scope = NewDisposeScope();
        Tensor[] parts = [];
        if (convolutions is not null)
        {
            var maps = convolutions.call(observations);
            parts = pool ? [maps.flatten(1), maps.amax([2, 3])] : [maps.flatten(1)];
        }
        if (sharpness is not null) parts = [.. parts, SoftArgmax(pointFilters!.call(observations), sharpness)];
        return dense.call(parts.Length == 1 ? parts[0] : cat(parts, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [N, F, H, W] maps to [N, 2F]: every filter's expected row, then every filter's expected column, each cell's row
    /// and column scaled to [-1, 1], under a softmax of <paramref name="sharpness"/> times the map over its H x W cells.
    /// </summary>
    public static Tensor SoftArgmax(Tensor maps, Tensor sharpness)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (maps.shape[2], maps.shape[3]);
        var rows = linspace(-1, 1, height, maps.dtype, maps.device).view(height, 1).expand(height, width).reshape(-1);
        var columns = linspace(-1, 1, width, maps.dtype, maps.device).view(1, width).expand(height, width).reshape(-1);
        var weights = softmax(maps.flatten(2) * sharpness, -1);
        return cat([(weights * rows).sum(-1), (weights * columns).sum(-1)], 1).MoveToOuterDisposeScope();
    }
}
