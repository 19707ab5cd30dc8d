using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Environments.Data.Toy;

public enum ToyDataset
{
    EightGaussians,
    TwentyFiveGaussians,
    SwissRoll,
}

/// <summary>
/// The 2-D toy distributions of the WGAN-GP reference code (gan_toy.py, gan.md 2.3), generated exactly as it
/// does, from explicit generators: <c>8gaussians</c> (a ring of 8 modes, radius 2, std 0.02, the batch divided by
/// 1.414), <c>25gaussians</c> (a fixed shuffled set of 100,000 points on a 5 x 5 grid of spacing 2, std 0.05,
/// divided by 2.828, read in consecutive batches with no reshuffle) and <c>swissroll</c> (sklearn's
/// make_swiss_roll with noise 0.25, columns 0 and 2, divided by 7.5).
/// </summary>
public static class ToyDatasets
{
    public const double EightScale = 1.414, GridScale = 2.828, SwissScale = 7.5;
    public const int GridPoints = 100_000;

    /// <summary>The mode centres and spread after scaling; null for the swiss roll, which has no modes.</summary>
    public static MixtureModes? Modes(ToyDataset dataset) => dataset switch
    {
        ToyDataset.EightGaussians => new MixtureModes(RingCentres(scale: 2.0 / EightScale), 0.02 / EightScale),
        ToyDataset.TwentyFiveGaussians => new MixtureModes(GridCentres(scale: 2.0 / GridScale), 0.05 / GridScale),
        _ => null,
    };

    static double[,] RingCentres(double scale)
    {
        var s = 1 / Math.Sqrt(2);
        double[,] unit = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 }, { s, s }, { s, -s }, { -s, s }, { -s, -s } };
        for (var i = 0; i < 8; i++) for (var j = 0; j < 2; j++) unit[i, j] *= scale;
        return unit;
    }

    static double[,] GridCentres(double scale)
    {
        var centres = new double[25, 2];
        for (var x = -2; x <= 2; x++)
            for (var y = -2; y <= 2; y++)
                (centres[(x + 2) * 5 + y + 2, 0], centres[(x + 2) * 5 + y + 2, 1]) = (x * scale, y * scale);
        return centres;
    }

    /// <summary>One batch of 8gaussians: each point picks a centre uniformly, adds N(0, 0.02^2 I), then / 1.414.</summary>
    public static Tensor EightGaussians(int batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var centres = Modes(ToyDataset.EightGaussians)!.CentresTensor();
        // Scalars held in using variables: TorchSharp does not keep a temporary Scalar alive during the native call.
        using var scale = EightScale.ToScalar();
        using var spread = 0.02.ToScalar();
        var unscaled = centres.mul(scale);
        var pick = randint(0, 8, [batch], generator: generator);
        var points = unscaled.index_select(0, pick).add_(randn([batch, 2], dtype: ScalarType.Float64, generator: generator).mul_(spread));
        return points.div_(scale).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The fixed 25gaussians data set: 4000 rounds over the 5 x 5 grid, each point N(0, 0.05^2 I) + (2x, 2y),
    /// shuffled once and divided by 2.828 (100,000 x 2, float32).
    /// </summary>
    public static Tensor TwentyFiveGaussiansDataset(Generator generator)
    {
        using var scope = NewDisposeScope();
        const int rounds = GridPoints / 25;
        using var grid = Modes(ToyDataset.TwentyFiveGaussians)!.CentresTensor();
        using var scale = GridScale.ToScalar();
        using var spread = 0.05.ToScalar();
        var centres = grid.mul(scale).repeat(rounds, 1);
        var points = centres.add_(randn([GridPoints, 2], dtype: ScalarType.Float64, generator: generator).mul_(spread));
        var order = randperm(GridPoints, generator: generator);
        return points.index_select(0, order).div_(scale).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Batch <paramref name="index"/> of the 25gaussians set: consecutive slices, 390 per pass of 256, as the reference.</summary>
    public static Tensor TwentyFiveGaussiansBatch(Tensor dataset, int batch, long index)
    {
        var perPass = dataset.shape[0] / batch;
        return dataset.narrow(0, index % perPass * batch, batch).clone();
    }

    /// <summary>One swiss-roll batch: t = 1.5 pi (1 + 2u), (t cos t, 21 v, t sin t) + 0.25 N(0, I), columns 0 and 2, / 7.5.</summary>
    public static Tensor SwissRoll(int batch, Generator generator, double noise = 0.25)
    {
        using var scope = NewDisposeScope();
        using var two = 2.0.ToScalar();
        using var one = 1.0.ToScalar();
        using var turn = (1.5 * Math.PI).ToScalar();
        using var spread = noise.ToScalar();
        using var scale = SwissScale.ToScalar();
        var t = rand([batch], dtype: ScalarType.Float64, generator: generator).mul_(two).add_(one).mul_(turn);
        _ = rand([batch], dtype: ScalarType.Float64, generator: generator); // the height v: drawn as sklearn does, then dropped
        var points = stack([t.mul(t.cos()), t.mul(t.sin())], dim: 1);
        points.add_(randn([batch, 3], dtype: ScalarType.Float64, generator: generator).index_select(1, tensor(new long[] { 0, 2 })).mul_(spread));
        return points.div_(scale).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
