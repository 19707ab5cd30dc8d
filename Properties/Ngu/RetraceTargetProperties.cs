using FsCheck.Xunit;
using Pipeline.Algorithms.Ngu;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>
/// NGU's transformed Retrace targets against the n-step targets they reduce to, and against hand-computed values
/// (float64). With a greedy target policy the traces are lambda on greedy actions and 0 elsewhere.
/// </summary>
public class RetraceTargetProperties
{
    static Tensor Row(params double[] values) => tensor(values, dtype: ScalarType.Float64).unsqueeze(0);

    /// <summary>A random batch in the transformed space: B sequences of length L, all steps real, no terminations.</summary>
    static (Tensor Rewards, Tensor Gamma, Tensor Bootstrap) Random(Generator g, int b, int l) =>
        (randn([b, l], dtype: ScalarType.Float64, generator: g), rand([b], dtype: ScalarType.Float64, generator: g).mul(0.5).add(0.49),
         randn([b, l], dtype: ScalarType.Float64, generator: g));

    static Func<Tensor, Tensor> H => z => ValueRescaling.H(z, 1e-3);
    static Func<Tensor, Tensor> Inverse => z => ValueRescaling.Inverse(z, 1e-3);

    /// <summary>
    /// Every action greedy (so Q(x_t, a_t) is the bootstrap value) and lambda = 1: step t's target is the n-step target
    /// with n = L - 1 - t, reaching the sequence's last state; lambda = 0 gives the one-step target at every step.
    /// </summary>
    [Property(MaxTest = 15)]
    public bool Lambda_one_gives_the_longest_n_step_target_and_lambda_zero_the_one_step_target(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var l = 2 + size % 8;
        var (rewards, gamma, bootstrap) = Random(g, 3, l);
        var (zeros, ones) = (zeros_like(rewards), ones_like(rewards));
        var (full, valid) = RetraceTargets.Compute(rewards, zeros, ones, gamma, bootstrap, bootstrap, ones, 1, H, Inverse);
        var worst = 0.0;
        for (var t = 0; t < l - 1; t++)
        {
            var (nStep, _) = NStepTargets.Compute(rewards, zeros, ones, gamma, bootstrap, l - 1 - t, H, Inverse);
            worst = Math.Max(worst, full.select(1, t).sub(nStep.select(1, t)).abs().max().item<double>());
        }
        var (oneStep, _) = RetraceTargets.Compute(rewards, zeros, ones, gamma, bootstrap, bootstrap, ones, 0, H, Inverse);
        var (reference, referenceValid) = NStepTargets.Compute(rewards, zeros, ones, gamma, bootstrap, 1, H, Inverse);
        worst = Math.Max(worst, oneStep.sub(reference).mul(referenceValid).abs().max().item<double>());
        return worst < 1e-9 && valid.sub(referenceValid).abs().max().item<double>() == 0;
    }

    /// <summary>
    /// A non-greedy action at step s cuts every earlier step's trace there: with lambda = 1 and the other actions
    /// greedy, step t &lt; s gets the (s - t)-step target, bootstrapping from the target value at s.
    /// </summary>
    [Property(MaxTest = 15)]
    public bool A_non_greedy_action_cuts_the_trace(ushort seed, byte where)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        const int l = 8;
        var s = 1 + where % (l - 2);
        var (rewards, gamma, bootstrap) = Random(g, 2, l);
        var (zeros, ones) = (zeros_like(rewards), ones_like(rewards));
        var greedy = ones.clone();
        greedy[TensorIndex.Colon, s] = tensor(0.0, dtype: ScalarType.Float64);
        // The value of the action actually taken at s differs from the greedy one; elsewhere they coincide.
        var taken = bootstrap.clone();
        taken[TensorIndex.Colon, s] = randn([2], dtype: ScalarType.Float64, generator: g);
        var (targets, _) = RetraceTargets.Compute(rewards, zeros, ones, gamma, taken, bootstrap, greedy, 1, H, Inverse);
        var worst = 0.0;
        for (var t = 0; t < s; t++)
        {
            var (nStep, _) = NStepTargets.Compute(rewards, zeros, ones, gamma, bootstrap, s - t, H, Inverse);
            worst = Math.Max(worst, targets.select(1, t).sub(nStep.select(1, t)).abs().max().item<double>());
        }
        return worst < 1e-9;
    }

    [Fact]
    public void Hand_computed_targets_with_a_termination_and_a_truncation()
    {
        using var scope = NewDisposeScope();
        var gamma = tensor(new[] { 0.5 }, dtype: ScalarType.Float64);
        // Identity transform, lambda 0.8, all greedy; the episode terminates after step 1, steps 2.. are padding.
        var (targets, valid) = RetraceTargets.Compute(Row(1, 2, 0, 0), Row(0, 1, 0, 0), Row(1, 1, 0, 0), gamma,
            Row(10, 20, 30, 40), Row(10, 20, 30, 40), Row(1, 1, 1, 1), 0.8, z => z, z => z);
        // delta_1 = 2 - 20 (terminal: no bootstrap); delta_0 = 1 + 0.5 * 20 - 10; y_0 = 10 + delta_0 + 0.5 * 0.8 * delta_1.
        Assert.Equal([10 + 1 + 0.4 * -18, 2], targets.data<double>().Take(2).ToArray());
        Assert.Equal([1.0, 1, 0, 0], valid.data<double>().ToArray());
        // Truncated instead (no termination): delta_1 needs step 2, which is padding, so step 1 gets no target and
        // step 0's trace stops before it: y_0 = 10 + delta_0 = 1 + 0.5 * 20.
        var (truncated, truncatedValid) = RetraceTargets.Compute(Row(1, 2, 0, 0), Row(0, 0, 0, 0), Row(1, 1, 0, 0), gamma,
            Row(10, 20, 30, 40), Row(10, 20, 30, 40), Row(1, 1, 1, 1), 0.8, z => z, z => z);
        Assert.Equal(11.0, truncated[0, 0].item<double>(), 12);
        Assert.Equal([1.0, 0, 0, 0], truncatedValid.data<double>().ToArray());
    }

    /// <summary>
    /// The epsilon-greedy target policy: epsilon 0 gives the greedy values and 0/1 ratios whatever mu is; epsilon 1
    /// (uniform pi) bootstraps from the mean of the unscaled action values, and the ratios are min(1, pi/mu) against
    /// hand-computed values, 1 on padding (mu = 0).
    /// </summary>
    [Property(MaxTest = 15)]
    public bool The_epsilon_greedy_target_policy_gives_expected_values_and_truncated_ratios(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        const int b = 2, l = 5, a = 3;
        var online = randn([b, l, a], dtype: ScalarType.Float64, generator: g);
        var target = randn([b, l, a], dtype: ScalarType.Float64, generator: g).mul(3);
        var actions = randint(0, a, [b, l], generator: g);
        var behaviour = rand([b, l], dtype: ScalarType.Float64, generator: g).mul(0.9).add(0.05);
        behaviour[TensorIndex.Colon, l - 1] = tensor(0.0, dtype: ScalarType.Float64);
        var greedy = online.argmax(-1);
        var greedyTaken = greedy.eq(actions).to_type(ScalarType.Float64);

        var (greedyValues, greedyRatios) = RetraceTargets.TargetPolicy(online, target, actions, null, 0, H, Inverse);
        var ok = greedyValues.allclose(target.gather(2, greedy.unsqueeze(-1)).squeeze(-1), 0, 0) && greedyRatios.allclose(greedyTaken, 0, 0);

        var (uniformValues, _) = RetraceTargets.TargetPolicy(online, target, actions, behaviour, 1, H, Inverse);
        ok &= uniformValues.allclose(H(Inverse(target).mean([-1])), 1e-12, 1e-12);

        const double epsilon = 0.3;
        var (values, ratios) = RetraceTargets.TargetPolicy(online, target, actions, behaviour, epsilon, H, Inverse);
        var unscaled = Inverse(target);
        for (var i = 0; i < b; i++)
            for (var t = 0; t < l; t++)
            {
                var best = greedy[i, t].item<long>();
                double expected = 0;
                for (var k = 0; k < a; k++) expected += (epsilon / a + (k == best ? 1 - epsilon : 0)) * unscaled[i, t, k].item<double>();
                ok &= Math.Abs(Inverse(values)[i, t].item<double>() - expected) < 1e-9 * (1 + Math.Abs(expected));
                var pi = epsilon / a + (actions[i, t].item<long>() == best ? 1 - epsilon : 0);
                var mu = behaviour[i, t].item<double>();
                ok &= Math.Abs(ratios[i, t].item<double>() - (mu == 0 ? 1 : Math.Min(1, pi / mu))) < 1e-12;
            }
        return ok;
    }

    [Fact]
    public void An_epsilon_greedy_target_without_behaviour_probabilities_is_refused()
    {
        using var scope = NewDisposeScope();
        var q = zeros(1, 2, 3, dtype: ScalarType.Float64);
        var error = Assert.Throws<ArgumentException>(() => RetraceTargets.TargetPolicy(q, q, zeros(1, 2, dtype: ScalarType.Int64), null, 0.01, H, Inverse));
        Assert.Contains("behaviour probabilities", error.Message);
    }
}
