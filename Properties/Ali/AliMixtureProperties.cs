using FsCheck.Xunit;
using Pipeline.Algorithms.Gan;
using Pipeline.Algorithms.Gan.Ali;
using Pipeline.Environments.Data.Toy;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ali;

/// <summary>The ALI mixture (gan.md 4.2) and its coverage metric (gan.md 4.5, 6.3).</summary>
public class AliMixtureProperties
{
    [Fact]
    public void The_training_set_is_100000_points_of_25_equal_components_with_std_0_05()
    {
        using var sampler = new AliMixtureSampler(100_000, seed: 0, dataSeed: 0);
        using var points = sampler.Batch(0);
        using var centres = AliMixture.Modes.CentresTensor();
        Assert.Equal([100_000L, 2L], points.shape);
        using var assigned = NearestCentreCoverage.Assign(points, centres);
        using var counts = assigned.bincount(null, minlength: 25);
        // Equal priors: each count is Binomial(100,000, 1/25), mean 4,000, std 62; 5 std either way.
        Assert.All(counts.data<long>().ToArray(), c => Assert.InRange(c, 3690, 4310));
        using var offsets = points.to_type(ScalarType.Float64).sub(centres.index_select(0, assigned));
        Assert.InRange(offsets.std().item<double>(), 0.0495, 0.0505);
        Assert.InRange(offsets.mean().item<double>(), -0.001, 0.001);
        Assert.Equal(new[] { -4.0, -4.0, -4.0, -2.0 }, centres.data<double>().ToArray()[..4]);
    }

    [Fact]
    public void The_set_is_fixed_by_the_data_seed_and_read_in_an_order_set_by_the_run_seed()
    {
        using var a = new AliMixtureSampler(100, seed: 1, dataSeed: 0);
        using var b = new AliMixtureSampler(100, seed: 1, dataSeed: 0);
        using var c = new AliMixtureSampler(100, seed: 2, dataSeed: 0);
        using var whole1 = new AliMixtureSampler(100_000, seed: 1, dataSeed: 0);
        using var whole2 = new AliMixtureSampler(100_000, seed: 2, dataSeed: 0);
        using var a5 = a.Batch(5);
        using var b5 = b.Batch(5);
        using var c5 = c.Batch(5);
        Assert.True(a5.eq(b5).all().item<bool>());
        Assert.False(a5.eq(c5).all().item<bool>());
        // One set, two orders: the same total.
        using var total1 = whole1.Batch(0).to_type(ScalarType.Float64).sum(0);
        using var total2 = whole2.Batch(0).to_type(ScalarType.Float64).sum(0);
        Assert.True(allclose(total1, total2, rtol: 0, atol: 1e-6));
    }

    /// <summary>Samples of the true mixture: every mode covered, 1 - e^-4.5 = 98.89% within 3 standard deviations.</summary>
    [Fact]
    public void True_samples_cover_every_mode_with_98_9_percent_high_quality()
    {
        using var samples = AliMixtureSampler.Fresh(10_000, 3);
        using var centres = AliMixture.Modes.CentresTensor();
        Assert.Equal(25, NearestCentreCoverage.Modes(samples, centres));
        var quality = ModeMetrics.Compute(samples, centres, AliMixture.Std);
        Assert.Equal(25, quality.Modes);
        // 10,000 draws: std of the fraction sqrt(0.9889 * 0.0111 / 10,000) = 0.001; 5 std either way.
        Assert.InRange(quality.HighQuality, 1 - Math.Exp(-4.5) - 0.0053, 1 - Math.Exp(-4.5) + 0.0053);
    }

    /// <summary>
    /// Samples exactly at the centres cover all 25; adding outliers never lowers ALI's coverage (every sample is
    /// assigned somewhere) but does lower the high-quality fraction (gan.md 4.5).
    /// </summary>
    [Property(MaxTest = 40)]
    public bool Outliers_never_lower_nearest_centre_coverage_but_lower_the_high_quality_fraction(int seed, byte keep, byte outliers)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(uint)seed);
        var centres = AliMixture.Modes.CentresTensor().to_type(ScalarType.Float32);
        var kept = centres.index_select(0, randperm(25, generator: generator).narrow(0, 0, 1 + keep % 25));
        // Outliers between the centres, at (odd, odd) coordinates give or take 0.3: at least 0.99 from any centre.
        var n = 1 + outliers % 50;
        var far = randint(-2, 2, [n, 2], generator: generator).mul(2).add(1).to_type(ScalarType.Float32)
            .add(rand([n, 2], generator: generator).mul(0.6).sub(0.3));
        var withOutliers = cat([kept, far], 0);
        var everyCentre = NearestCentreCoverage.Modes(centres, centres) == 25;
        var coverage = NearestCentreCoverage.Modes(withOutliers, centres) >= NearestCentreCoverage.Modes(kept, centres);
        var quality = ModeMetrics.Compute(kept, centres, AliMixture.Std).HighQuality == 1
            && ModeMetrics.Compute(withOutliers, centres, AliMixture.Std).HighQuality < 1;
        return everyCentre && coverage && quality;
    }
}
