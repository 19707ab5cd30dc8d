using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// ALI's mode metric (gan.md 4.2): each sample is assigned to the mixture component of highest responsibility, which
/// with equal priors and one isotropic covariance is the nearest centre; a mode is dropped when no sample is
/// assigned to it. There is no quality threshold (<see cref="ModeMetrics"/> has VEEGAN and PacGAN's, which has one).
/// </summary>
public static class NearestCentreCoverage
{
    /// <summary>The index of each sample's nearest centre (int64, one per row of <paramref name="samples"/>).</summary>
    public static Tensor Assign(Tensor samples, Tensor centres)
    {
        if (samples.dim() != 2 || centres.dim() != 2 || samples.shape[1] != centres.shape[1])
            throw new ArgumentException($"samples [{string.Join(", ", samples.shape)}] and centres [{string.Join(", ", centres.shape)}] must be matrices of one width", nameof(samples));
        if (samples.shape[0] == 0) throw new ArgumentException("no samples", nameof(samples));
        using var scope = NewDisposeScope();
        return cdist(samples.to_type(ScalarType.Float64), centres.to_type(ScalarType.Float64)).argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>The number of centres that are the nearest centre of at least one sample.</summary>
    public static int Modes(Tensor samples, Tensor centres)
    {
        using var scope = NewDisposeScope();
        return (int)Assign(samples, centres).unique().output.shape[0];
    }
}
