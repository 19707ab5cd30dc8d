using Pipeline.Algorithms.Gan.Ali;
using Pipeline.Environments.Data;
using Pipeline.Reports;
using static TorchSharp.torch;

namespace Pipeline.Recipes.Gan;

/// <summary>PNG grids of an ALI trained on MNIST: samples G_x(z), and test images beside their reconstructions.</summary>
public static class AliGrids
{
    /// <summary>An 8 x 8 grid of G_x(z) with z ~ N(0, I) drawn from <paramref name="seed"/>.</summary>
    public static byte[] Samples(AliState state, ulong seed)
    {
        using var samples = AliInference.Sample(state, 64, seed);
        return Png.Grid(Pixels(samples), 64, MnistSplit.Side, 8);
    }

    /// <summary>
    /// The first 64 of <paramref name="images"/> beside their reconstructions G_x(G_z(x)), 8 rows of 8 pairs: odd
    /// columns the originals, even columns the reconstructions, as in the ALI paper's reconstruction figures.
    /// </summary>
    public static byte[] Reconstructions(AliState state, Tensor images, ulong seed)
    {
        const int count = 64;
        using var scope = NewDisposeScope();
        var originals = images.narrow(0, 0, Math.Min(count, images.shape[0]));
        var reconstructions = AliInference.Reconstruct(state, originals, seed);
        var interleaved = stack([originals, reconstructions], 1).reshape(-1, originals.shape[1]);
        return Png.Grid(Pixels(interleaved), (int)interleaved.shape[0], MnistSplit.Side, 16);
    }

    static float[] Pixels(Tensor images)
    {
        using var cpu = images.to_type(ScalarType.Float32).cpu();
        return cpu.data<float>().ToArray();
    }
}
