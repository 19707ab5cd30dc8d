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
        Assert.Equal([1 + 0.5 * 2 + 0.25 * 30, 2 + 0.5 * 3 + 0.25 * 40, 3 + 0.5 * 4 + 0.25 * 50], targets.data<double>().Take(3).ToArray());
        // The last two steps would bootstrap beyond the sequence: the next, overlapping sequence trains them.
        Assert.Equal([1.0, 1, 1, 0, 0], valid.data<double>().ToArray());
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
        // Same, but truncated (no termination): the targets of steps 0 and 1 need step 2 or 3, which are padding.
        var (_, truncated) = NStepTargets.Compute(Row(1, 2, 0, 0, 0), Row(0, 0, 0, 0, 0), Row(1, 1, 0, 0, 0),
            tensor(new[] { 0.5 }, dtype: ScalarType.Float64), Row(10, 20, 30, 40, 50), 2, z => z, z => z);
        Assert.Equal([0.0, 0, 0, 0, 0], truncated.data<double>().ToArray());
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
