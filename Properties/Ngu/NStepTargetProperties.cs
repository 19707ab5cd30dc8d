using Pipeline.Algorithms.Ngu;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>R2D2's n-step double-Q targets and sequence priorities against hand-computed values (float64).</summary>
public class NStepTargetProperties
{
    static Tensor Row(params double[] values) => tensor(values, dtype: ScalarType.Float64).unsqueeze(0);

    [Fact]
    public void Two_step_targets_sum_discounted_rewards_and_bootstrap_from_the_target_value()
    {
        using var scope = NewDisposeScope();
        var rewards = Row(1, 2, 3, 4, 5);
        var zeros = Row(0, 0, 0, 0, 0);
        var mask = Row(1, 1, 1, 1, 1);
        var bootstrap = Row(10, 20, 30, 40, 50);
        var gamma = tensor(new[] { 0.5 }, dtype: ScalarType.Float64);
        var (targets, valid) = NStepTargets.Compute(rewards, zeros, mask, gamma, bootstrap, 2, z => z, z => z);
        // Step 3's window runs past the sequence: it bootstraps from the last step, one step on. Step 4 has nothing
        // to bootstrap from: the next, overlapping sequence trains it.
        Assert.Equal([1 + 0.5 * 2 + 0.25 * 30, 2 + 0.5 * 3 + 0.25 * 40, 3 + 0.5 * 4 + 0.25 * 50, 4 + 0.5 * 50], targets.data<double>().Take(4).ToArray());
        Assert.Equal([1.0, 1, 1, 1, 0], valid.data<double>().ToArray());
    }

    [Fact]
    public void A_termination_stops_the_sum_and_the_bootstrap_and_padding_after_a_truncation_is_invalid()
    {
        using var scope = NewDisposeScope();
        // Episode terminates after step 1; steps 2.. are padding.
        var (targets, valid) = NStepTargets.Compute(Row(1, 2, 0, 0, 0), Row(0, 1, 0, 0, 0), Row(1, 1, 0, 0, 0),
            tensor(new[] { 0.5 }, dtype: ScalarType.Float64), Row(10, 20, 30, 40, 50), 2, z => z, z => z);
        Assert.Equal([1 + 0.5 * 2, 2], targets.data<double>().Take(2).ToArray());
        Assert.Equal([1.0, 1, 0, 0, 0], valid.data<double>().ToArray());
        // A termination at the sequence's last step gives it a target too.
        var (final, finalValid) = NStepTargets.Compute(Row(0, 0, 3), Row(0, 0, 1), Row(1, 1, 1),
            tensor(new[] { 0.5 }, dtype: ScalarType.Float64), Row(10, 20, 30), 2, z => z, z => z);
        Assert.Equal([0.25 * 30, 0.5 * 3, 3], final.data<double>().ToArray());
        Assert.Equal([1.0, 1, 1], finalValid.data<double>().ToArray());
        // Same, but truncated (no termination): step 0 bootstraps from the last real step 1; step 1 has no target.
        var (shortened, truncated) = NStepTargets.Compute(Row(1, 2, 0, 0, 0), Row(0, 0, 0, 0, 0), Row(1, 1, 0, 0, 0),
            tensor(new[] { 0.5 }, dtype: ScalarType.Float64), Row(10, 20, 30, 40, 50), 2, z => z, z => z);
        Assert.Equal(1 + 0.5 * 20, shortened[0, 0].item<double>());
        Assert.Equal([1.0, 0, 0, 0, 0], truncated.data<double>().ToArray());
    }

    /// <summary>
    /// A sequence that ends mid-episode: with n = 3 every step but the last gets a target, the last ones with windows
    /// shortened to the last step (rlax's truncated returns); rows of one batch end at different steps.
    /// </summary>
    [Fact]
    public void Windows_that_run_past_the_last_real_step_bootstrap_from_it()
    {
        using var scope = NewDisposeScope();
        var rewards = cat([Row(1, 2, 3, 4, 5), Row(1, 2, 3, 0, 0)]);
        var terminal = cat([Row(0, 0, 0, 0, 0), Row(0, 0, 0, 0, 0)]);
        var mask = cat([Row(1, 1, 1, 1, 1), Row(1, 1, 1, 0, 0)]);
        var bootstrap = cat([Row(10, 20, 30, 40, 50), Row(10, 20, 30, 40, 50)]);
        var gamma = tensor(new[] { 0.5, 0.25 }, dtype: ScalarType.Float64);
        var (targets, valid) = NStepTargets.Compute(rewards, terminal, mask, gamma, bootstrap, 3, z => z, z => z);
        double[] first = [1 + 0.5 * 2 + 0.25 * 3 + 0.125 * 40, 2 + 0.5 * 3 + 0.25 * 4 + 0.125 * 50, 3 + 0.5 * 4 + 0.25 * 50, 4 + 0.5 * 50];
        double[] second = [1 + 0.25 * 2 + 0.0625 * 30, 2 + 0.25 * 30];
        Assert.Equal(first, targets[0].data<double>().Take(4).ToArray());
        Assert.Equal(second, targets[1].data<double>().Take(2).ToArray());
        Assert.Equal([1.0, 1, 1, 1, 0, 1, 1, 0, 0, 0], valid.data<double>().ToArray());
    }

    [Fact]
    public void Rescaled_targets_are_h_of_the_unscaled_return()
    {
        using var scope = NewDisposeScope();
        var bootstrap = Row(0, 0, ValueRescaling.H(7, 1e-3), 0);
        var (targets, _) = NStepTargets.Compute(Row(1, 1, 1, 1), Row(0, 0, 0, 0), Row(1, 1, 1, 1), tensor(new[] { 0.9 }, dtype: ScalarType.Float64),
            bootstrap, 2, z => ValueRescaling.H(z, 1e-3), z => ValueRescaling.Inverse(z, 1e-3));
        Assert.Equal(ValueRescaling.H(1 + 0.9 + 0.81 * 7, 1e-3), targets[0, 0].item<double>(), 10);
    }

    [Fact]
    public void Sequence_priority_mixes_max_and_mean_over_valid_steps()
    {
        using var scope = NewDisposeScope();
        var priorities = NStepTargets.SequencePriorities(Row(1, 3, 100), Row(1, 1, 0), 0.9);
        Assert.Equal(0.9 * 3 + 0.1 * 2, priorities.item<double>(), 12);
    }

    [Fact]
    public void A_non_positive_n_is_refused()
    {
        using var scope = NewDisposeScope();
        var row = Row(1, 2);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NStepTargets.Compute(row, row, row, tensor(new[] { 0.5 }), row, 0, z => z, z => z));
        Assert.Contains("n >= 1", error.Message);
    }
}
