using FsCheck.Xunit;
using Pipeline.Algorithms.Gan;
using Pipeline.Environments.Data.Toy;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Gan;

public class ToyDataProperties
{
    [Property(MaxTest = 10)]
    public bool Eight_gaussians_lie_near_a_ring_of_radius_1_414_with_std_0_0141(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var x = ToyDatasets.EightGaussians(4000, generator).to_type(ScalarType.Float64);
        var modes = ToyDatasets.Modes(ToyDataset.EightGaussians)!;
        var centres = modes.CentresTensor();
        var (nearest, index) = cdist(x, centres).min(1);
        var residual = x.sub(centres.index_select(0, index));
        var std = residual.std().item<double>();
        return Math.Abs(centres.norm(1).mean().item<double>() - 2 / 1.414) < 1e-12
            && nearest.max().item<double>() < 5.5 * modes.Std   // 5 sigma per axis; a radius in 2-D
            && Math.Abs(std - 0.02 / 1.414) < 0.001;
    }

    [Fact]
    public void The_25_gaussians_set_holds_4000_points_per_mode_with_std_0_0177()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var x = ToyDatasets.TwentyFiveGaussiansDataset(generator).to_type(ScalarType.Float64);
        Assert.Equal([100_000L, 2L], x.shape);
        var centres = ToyDatasets.Modes(ToyDataset.TwentyFiveGaussians)!.CentresTensor();
        var (_, index) = cdist(x, centres).min(1);
        Assert.All(bincount(index, minlength: 25).data<long>().ToArray(), count => Assert.Equal(4000, count));
        Assert.Equal(0.05 / 2.828, x.sub(centres.index_select(0, index)).std().item<double>(), 3);
        // Consecutive slices of 256, 390 per pass, the last 160 points never used.
        using var batch0 = ToyDatasets.TwentyFiveGaussiansBatch(x, 256, 0);
        using var batch390 = ToyDatasets.TwentyFiveGaussiansBatch(x, 256, 390);
        Assert.True(batch0.allclose(batch390, rtol: 0, atol: 0));
    }

    [Property(MaxTest = 10)]
    public bool The_noise_free_swiss_roll_has_radius_between_0_628_and_1_885(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var r = ToyDatasets.SwissRoll(2000, generator, noise: 0).to_type(ScalarType.Float64).norm(1);
        return r.min().item<double>() >= 1.5 * Math.PI / 7.5 - 1e-5 && r.max().item<double>() <= 4.5 * Math.PI / 7.5 + 1e-5;
    }

    /// <summary>A 2-D isotropic Gaussian falls within 3 sigma with probability 1 - e^-4.5 = 0.98889 (gan.md 6.3).</summary>
    [Property(MaxTest = 5)]
    public bool Mode_metrics_give_98_9_percent_quality_and_full_coverage_on_the_true_mixtures(ushort seed)
    {
        using var scope = NewDisposeScope();
        const int n = 20000;
        var expected = 1 - Math.Exp(-4.5);
        var tolerance = 5 * Math.Sqrt(expected * (1 - expected) / n); // 5 binomial standard deviations: false failure < 1e-6
        foreach (var dataset in new[] { ToyDataset.EightGaussians, ToyDataset.TwentyFiveGaussians })
        {
            var modes = ToyDatasets.Modes(dataset)!;
            var samples = ToySampler.Fresh(dataset, n, seed);
            var coverage = ModeMetrics.Compute(samples, modes.CentresTensor(), modes.Std);
            if (coverage.Modes != modes.Count || Math.Abs(coverage.HighQuality - expected) > tolerance) return false;
        }
        return true;
    }

    [Fact]
    public void Mode_metrics_of_collapsed_samples()
    {
        using var scope = NewDisposeScope();
        var modes = ToyDatasets.Modes(ToyDataset.EightGaussians)!;
        var centres = modes.CentresTensor();
        var oneCentre = centres[0].unsqueeze(0).repeat(100, 1);
        Assert.Equal(new ModeCoverage(1, 8, 1.0), ModeMetrics.Compute(oneCentre, centres, modes.Std));
        Assert.Equal(new ModeCoverage(0, 8, 0.0), ModeMetrics.Compute(zeros(100, 2, dtype: ScalarType.Float64), centres, modes.Std));
    }
}
