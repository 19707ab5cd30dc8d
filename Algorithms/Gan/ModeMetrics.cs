using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>Modes covered and the fraction of high-quality samples (VEEGAN and PacGAN's definitions, gan.md 6.1).</summary>
public readonly record struct ModeCoverage(int Modes, int TotalModes, double HighQuality);

/// <summary>
/// A sample is of high quality when it lies within <c>k</c> standard deviations (Euclidean, isotropic modes) of the
/// nearest mode centre; a mode is covered when it is the nearest centre of at least one high-quality sample.
/// On samples of the true 2-D mixture the high-quality fraction is 1 - e^-4.5 = 98.89% for k = 3.
/// </summary>
public static class ModeMetrics
{
    public static ModeCoverage Compute(Tensor samples, Tensor centres, double std, double k = 3)
    {
        using var scope = NewDisposeScope();
        var distances = cdist(samples.to_type(ScalarType.Float64), centres.to_type(ScalarType.Float64));
        var (nearest, index) = distances.min(1);
        var good = nearest.le(Scalars.Of(k * std));
        var covered = index.masked_select(good).unique().output.shape[0];
        return new ModeCoverage((int)covered, (int)centres.shape[0], good.to_type(ScalarType.Float64).mean().item<double>());
    }
}
