using FsCheck.Xunit;
using Pipeline.Algorithms.Divergences;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Gan;

public class SampleDivergenceProperties
{
    static Tensor Gaussian(Generator g, int n, int d = 2, double shift = 0) =>
        randn([n, d], dtype: ScalarType.Float64, generator: g).add(shift);

    [Property(MaxTest = 25)]
    public bool Energy_distance_is_invariant_to_a_common_rotation_and_translation_and_scales_with_the_data(ushort seed, byte angle, sbyte shift)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var (x, y) = (Gaussian(g, 60), Gaussian(g, 50, shift: 1));
        var a = angle / 40.0;
        var rotation = tensor(new[] { Math.Cos(a), -Math.Sin(a), Math.Sin(a), Math.Cos(a) }, [2, 2], dtype: ScalarType.Float64);
        var offset = tensor(new[] { shift / 10.0, -shift / 7.0 }, dtype: ScalarType.Float64);
        var ed = EnergyDistance.VStatistic(x, y);
        var moved = EnergyDistance.VStatistic(x.matmul(rotation).add(offset), y.matmul(rotation).add(offset));
        var scaled = EnergyDistance.VStatistic(x.mul(3), y.mul(3));
        var tolerance = 1e-9 * (1 + ed);
        return ed >= 0 && Math.Abs(moved - ed) < tolerance && Math.Abs(scaled - 3 * ed) < 3 * tolerance
            && EnergyDistance.UStatistic(x, y) <= ed + 1e-12 && Math.Abs(EnergyDistance.VStatistic(y, x) - ed) < 1e-12;
    }

    [Fact]
    public void Energy_distance_between_point_masses_is_twice_their_distance()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 1.0, 2.0 }, [1, 2], dtype: ScalarType.Float64);
        var b = tensor(new[] { 4.0, 6.0 }, [1, 2], dtype: ScalarType.Float64);
        Assert.Equal(10.0, EnergyDistance.VStatistic(a, b), 12);
    }

    /// <summary>Blocks of 1,024: a sample larger than several blocks gives the same value as the direct formula.</summary>
    [Fact]
    public void Blocked_estimators_equal_the_direct_formula_beyond_one_block()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        var (x, y) = (Gaussian(g, 5000), Gaussian(g, 4500, shift: 0.5));
        var direct = cdist(x, y).mean().mul(2).sub(cdist(x, x).mean()).sub(cdist(y, y).mean()).item<double>();
        Assert.Equal(direct, EnergyDistance.VStatistic(x, y), 8);
    }

    /// <summary>
    /// Over 60 pairs of samples of one distribution, the unbiased MMD^2 averages to 0: |mean| &lt; 4 standard errors
    /// fails by chance with probability about 6e-5. A shifted distribution gives a clearly larger value.
    /// </summary>
    [Fact]
    public void Unbiased_MMD_has_mean_zero_for_one_distribution_and_is_larger_for_a_shifted_one()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        var kernel = Kernel.GaussianMixture(0.5, 1, 2);
        var draws = Enumerable.Range(0, 60).Select(_ => MaximumMeanDiscrepancy.Squared(Gaussian(g, 40), Gaussian(g, 40), kernel, unbiased: true)).ToArray();
        var mean = draws.Average();
        var standardError = Math.Sqrt(draws.Sum(d => (d - mean) * (d - mean)) / (draws.Length - 1) / draws.Length);
        Assert.True(Math.Abs(mean) < 4 * standardError, $"mean {mean} vs standard error {standardError}");
        Assert.Contains(draws, d => d < 0); // unbiased: negative values occur
        var shifted = MaximumMeanDiscrepancy.Squared(Gaussian(g, 40), Gaussian(g, 40, shift: 1), kernel, unbiased: true);
        Assert.True(shifted > mean + 10 * standardError, $"shifted {shifted}");
        Assert.True(MaximumMeanDiscrepancy.Squared(Gaussian(g, 40), Gaussian(g, 40), Kernel.InverseMultiquadric(1), unbiased: false) >= 0);
    }

    /// <summary>Exact W1 between two point sets of n &lt;= 6 by trying every pairing; sliced W1 never exceeds it.</summary>
    [Property(MaxTest = 20)]
    public bool Sliced_W1_is_a_lower_bound_of_W1_and_equals_it_in_one_dimension(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var n = 2 + size % 5;
        var (x, y) = (Gaussian(g, n), Gaussian(g, n, shift: 0.3));
        var distances = cdist(x, y).data<double>().ToArray();
        var exact = Permutations(n).Min(p => p.Select((j, i) => distances[i * n + j]).Average());
        var sliced = SlicedWasserstein.Estimate(x, y, 200, seed);
        var (x1, y1) = (Gaussian(g, n, 1), Gaussian(g, n, 1));
        return sliced <= exact + 1e-12 && Math.Abs(SlicedWasserstein.Estimate(x1, y1, 3, seed) - Wasserstein1D.Exact(x1, y1)) < 1e-12;
    }

    static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 1) { yield return [0]; yield break; }
        foreach (var p in Permutations(n - 1))
            for (var k = 0; k < n; k++)
                yield return [.. p[..k], n - 1, .. p[k..]];
    }

    [Fact]
    public void The_dual_estimate_approaches_the_shift_between_two_translated_samples()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(2);
        var x = Gaussian(g, 1000);
        var shift = tensor(new[] { 1.5, 0.0 }, dtype: ScalarType.Float64);
        var estimate = DualWasserstein.Estimate(x.add(shift).to_type(ScalarType.Float32), x.to_type(ScalarType.Float32), 800, 4, hidden: 64);
        // W1 of a translation is the length of the shift. The penalty keeps the critic only softly 1-Lipschitz, so
        // the estimate may exceed it a little; a finite budget may leave it below.
        Assert.InRange(estimate, 1.2, 1.75);
    }

    [Fact]
    public void Bad_samples_are_refused_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        var good = ones(4, 2, dtype: ScalarType.Float64);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => EnergyDistance.VStatistic(zeros(0, 2), good)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => EnergyDistance.VStatistic(good, ones(4, 3))).ParamName);
        var nan = good.clone();
        nan[1, 1] = tensor(double.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => MaximumMeanDiscrepancy.Squared(good, nan, Kernel.GaussianMixture(1), true)).Message);
        Assert.Equal("bandwidths", Assert.Throws<ArgumentException>(() => Kernel.GaussianMixture(1, 0)).ParamName);
        Assert.Equal("scales", Assert.Throws<ArgumentException>(() => Kernel.InverseMultiquadric(-1)).ParamName);
    }
}
