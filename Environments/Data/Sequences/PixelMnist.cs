using static TorchSharp.torch;

namespace Pipeline.Environments.Data.Sequences;

/// <summary>
/// Pixel-by-pixel MNIST (uRNN section 5.3): each image read as a sequence of its pixels in row-major order, one real
/// input per step, the label predicted at the last step. The permuted variant reads every image in one fixed order
/// drawn from a seed. For CPU runs the image can first be average-pooled to 14 x 14 or 7 x 7 (196 or 49 steps);
/// the paper's task is side 28 (784 steps).
/// </summary>
public sealed class PixelMnist : IDisposable
{
    /// <summary>The sides an MNIST image can be pooled to by whole blocks.</summary>
    public static readonly IReadOnlyList<int> Sides = [28, 14, 7];

    PixelMnist(Tensor sequences, Tensor labels)
    {
        Sequences = sequences;
        Labels = labels;
    }

    /// <summary>N x T x 1, float32, standardised as <see cref="MnistTensors"/>.</summary>
    public Tensor Sequences { get; }

    /// <summary>N, int64.</summary>
    public Tensor Labels { get; }

    public long Count => Labels.shape[0];

    public int Length => (int)Sequences.shape[1];

    /// <param name="split">the MNIST split.</param>
    /// <param name="side">28, 14 or 7: the side the image is average-pooled to before it is read pixel by pixel.</param>
    /// <param name="permutationSeed">null: row-major order; otherwise the seed of the one fixed pixel order.</param>
    /// <param name="limit">the first this many images (null: all).</param>
    public static PixelMnist From(MnistSplit split, int side, int? permutationSeed, int? limit = null)
    {
        if (!Sides.Contains(side))
            throw new ArgumentOutOfRangeException(nameof(side), side, $"the image side must be one of {string.Join(", ", Sides)} (28 / side whole blocks)");
        using var scope = NewDisposeScope();
        var images = MnistTensors.From(split, CPU, limit);
        var pixels = images.Images.view(-1, 1, MnistSplit.Side, MnistSplit.Side);
        if (side != MnistSplit.Side) pixels = nn.functional.avg_pool2d(pixels, MnistSplit.Side / side);
        var sequences = pixels.reshape(-1, side * side);
        if (permutationSeed is { } seed)
        {
            using var generator = new Generator((ulong)seed);
            sequences = sequences.index_select(1, Permutation(side * side, generator));
        }
        return new PixelMnist(sequences.unsqueeze(2).contiguous().MoveToOuterDisposeScope(), images.Labels.clone().MoveToOuterDisposeScope());
    }

    /// <summary>The fixed pixel order of the permuted task: a function of the seed alone.</summary>
    public static Tensor Permutation(int length, Generator generator) => randperm(length, generator: generator);

    /// <summary>The sequences and labels of the given rows (int64 indices), as new tensors the caller owns.</summary>
    public (Tensor Inputs, Tensor Targets) Rows(Tensor rows) => (Sequences.index_select(0, rows), Labels.index_select(0, rows));

    public void Dispose()
    {
        Sequences.Dispose();
        Labels.Dispose();
    }
}
