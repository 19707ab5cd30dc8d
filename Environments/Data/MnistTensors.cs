using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Environments.Data;

/// <summary>An MNIST split as tensors: flattened images (N x 784, float32, standardised) and labels (N, int64).</summary>
public sealed record MnistTensors(Tensor Images, Tensor Labels) : IDisposable
{
    /// <summary>The usual MNIST standardisation: mean 0.1307, standard deviation 0.3081 of the training pixels.</summary>
    public const double Mean = 0.1307, Std = 0.3081;

    public static MnistTensors From(MnistSplit split, Device device, int? limit = null)
    {
        var n = Math.Min(limit ?? split.Count, split.Count);
        using var raw = tensor(split.Images.AsSpan(0, n * MnistSplit.Pixels).ToArray(), [n, MnistSplit.Pixels], dtype: ScalarType.Byte);
        // Scalars held in using variables: TorchSharp does not keep a temporary Scalar alive during the native call.
        using var full = 255.0.ToScalar();
        using var mean = Mean.ToScalar();
        using var std = Std.ToScalar();
        using var scaled = raw.to(device).to_type(ScalarType.Float32).div_(full);
        var images = scaled.sub(mean).div_(std);
        var labels = tensor(split.Labels.AsSpan(0, n).ToArray(), dtype: ScalarType.Byte).to(device).to_type(ScalarType.Int64);
        return new MnistTensors(images, labels);
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
