using FsCheck.Xunit;
using Pipeline.Environments.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Irm;

/// <summary>The chain SEM of the synthetic experiments has the reference's structure (irm_ngu.md 1.8).</summary>
public class LinearSemProperties
{
    [Property(MaxTest = 16)]
    public bool The_scrambling_is_orthogonal_and_the_true_solution_is_ones_then_zeros(int seed, byte setting)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        using var sem = new LinearSem(10, LinearSemSetup.All[setting % 8], generator);
        var solution = sem.Solution.view(-1);
        return allclose(sem.Scramble.t().matmul(sem.Scramble), eye(10, dtype: ScalarType.Float64), atol: 1e-12)
            && Tensors.Same(solution, cat([ones(5, dtype: ScalarType.Float64), zeros(5, dtype: ScalarType.Float64)]))
            && sem.Errors(sem.Scramble.t().matmul(sem.Solution)) is { Causal: < 1e-24, NonCausal: < 1e-24 };
    }

    [Fact]
    public void The_errors_are_mean_squared_over_the_causal_and_the_non_causal_coordinates()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        using var sem = new LinearSem(4, new LinearSemSetup(false, false, false), generator);
        var estimate = tensor(new double[] { 1.5, 1, 0, -2 }, [4, 1], dtype: ScalarType.Float64);
        Assert.Equal((0.125, 2.0), sem.Errors(estimate));
    }

    /// <summary>
    /// Unscrambled and fully observed, Y − ΣZ1 is the Y noise summed over 5 coordinates: variance 5e² with the
    /// code's hetero flag, 5 without. With 20,000 samples the sample variance is within 5% of it except with
    /// probability below 1e-6 (chi-square with 20,000 degrees of freedom: sd 1%).
    /// </summary>
    [Theory]
    [InlineData(true, 2.0)]
    [InlineData(false, 2.0)]
    [InlineData(true, 0.2)]
    public void The_noise_of_Y_has_the_variance_of_its_setting(bool hetero, double e)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        using var sem = new LinearSem(10, new LinearSemSetup(false, hetero, false), generator);
        var (inputs, targets) = sem.Sample(20_000, e, generator);
        var noise = targets.view(-1).sub(inputs.narrow(1, 0, 5).sum(1));
        var expected = hetero ? 5 * e * e : 5;
        Assert.InRange(noise.var().item<double>(), 0.95 * expected, 1.05 * expected);
        Assert.Equal([20_000L, 10], inputs.shape);
    }

    [Fact]
    public void A_bad_dimension_an_empty_environment_or_a_non_positive_scale_is_refused()
    {
        using var generator = new Generator(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearSem(3, LinearSemSetup.All[0], generator));
        using var sem = new LinearSem(4, LinearSemSetup.All[0], generator);
        Assert.Throws<ArgumentOutOfRangeException>(() => sem.Sample(0, 1, generator));
        Assert.Throws<ArgumentOutOfRangeException>(() => sem.Sample(10, 0, generator));
        Assert.Throws<ArgumentOutOfRangeException>(() => sem.Sample(10, double.NaN, generator));
    }
}
