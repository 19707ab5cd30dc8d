using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Environments.Data.Toy;

/// <summary>
/// The 2-D mixture of the ALI paper (gan.md 4.2, ali_mixture.py): 25 components with means on the grid
/// {-4, -2, 0, 2, 4}^2, covariance 0.05^2 I and equal priors, unscaled (unlike the WGAN-GP code's 25gaussians,
/// which divides by 2.828). The training set is 100,000 points drawn once.
/// </summary>
public static class AliMixture
{
    public const int Points = 100_000;
    public const double Std = 0.05;

    /// <summary>The 25 centres (row (i, j) at index 5 (i + 2) + j + 2 is (2i, 2j)) and the common std.</summary>
    public static MixtureModes Modes { get; } = new(GridCentres(), Std);

    static double[,] GridCentres()
    {
        var centres = new double[25, 2];
        for (var i = -2; i <= 2; i++)
            for (var j = -2; j <= 2; j++)
                (centres[(i + 2) * 5 + j + 2, 0], centres[(i + 2) * 5 + j + 2, 1]) = (2 * i, 2 * j);
        return centres;
    }

    /// <summary><paramref name="count"/> points (float32, count x 2): each picks a component uniformly, then adds N(0, 0.05^2 I).</summary>
    public static Tensor Draw(int count, Generator generator)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one point");
        using var scope = NewDisposeScope();
        using var centres = Modes.CentresTensor();
        // Scalars held in using variables: TorchSharp does not keep a temporary Scalar alive during the native call.
        using var spread = Std.ToScalar();
        var component = randint(0, Modes.Count, [count], generator: generator);
        var points = centres.index_select(0, component).add_(randn([count, 2], dtype: ScalarType.Float64, generator: generator).mul_(spread));
        return points.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
