using FsCheck.Xunit;
using Pipeline.Algorithms.Gan;
using Pipeline.Environments.Data.Toy;
using TorchSharp;
using Xunit;
using GanAlgorithm = Pipeline.Algorithms.Gan.Gan;
using static TorchSharp.torch;

namespace Pipeline.Properties.Gan;

public class GanProperties
{
    static T Small<T>(T c) where T : AdversarialConfig => c with { NoiseDim = 2, DataDim = 2, Hidden = 16, HiddenLayers = 2, BatchSize = 32, Device = "cpu" };

    static GanBatch RealBatch(int steps, int seed)
    {
        using var sampler = new ToySampler(ToyDataset.EightGaussians, 32, seed);
        return new GanBatch(sampler.Batches(0, steps));
    }

    [Property(MaxTest = 20)]
    public bool Clipped_critic_weights_stay_in_the_box_after_every_update(ushort seed, byte clipHundredths, bool clipBefore)
    {
        var c = (1 + clipHundredths % 20) / 100.0;
        var config = Small(new WganConfig()) with { Clip = c, ClipBeforeStep = clipBefore, LearningRate = 1e-2 };
        var state = Wgan.Init(config, seed, CPU);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                using var batch = RealBatch(config.CriticSteps, seed + i);
                state = Wgan.Update(state, batch).State;
                // Clip after the step (paper): always in the box. Clip before (reference code): one RMSProp step may
                // leave it by at most lr / sqrt(1 - decay) (gan.md 1.6), until the next clamp.
                var bound = clipBefore ? c + config.LearningRate / Math.Sqrt(1 - 0.99) + 1e-7 : c;
                if (state.Critic.parameters().Any(p => p.abs().max().item<float>() > bound + 1e-7)) return false;
            }
            return true;
        }
        finally
        {
            state.Dispose();
        }
    }

    /// <summary>D(x) = sum(W * x) over an image-shaped input with ||W||_F = 1: the per-sample gradient norm is 1 everywhere.</summary>
    [Property(MaxTest = 30)]
    public bool The_penalty_of_a_unit_norm_linear_critic_is_zero_and_per_sample(ushort seed, byte channels, byte side)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var (c, s) = (2 + channels % 3, 2 + side % 4);
        var weight = randn([c, s, s], dtype: ScalarType.Float64, generator: generator);
        weight = weight.div(weight.norm());
        Tensor Critic(Tensor x) => x.mul(weight).sum([1, 2, 3]);
        var real = randn([8, c, s, s], dtype: ScalarType.Float64, generator: generator);
        var fake = randn([8, c, s, s], dtype: ScalarType.Float64, generator: generator);
        var epsilon = rand([8], dtype: ScalarType.Float64, generator: generator);
        var penalty = GradientPenalty.Compute(Critic, real, fake, epsilon).item<double>();

        // The common porting bug: the norm over dimension 1 only (per pixel, over channels) is not 1.
        var x = real.detach().requires_grad_();
        var g = autograd.grad([Critic(x).sum()], [x])[0];
        var buggy = g.norm(1).sub(1).pow(2).mean().item<double>();
        return Math.Abs(penalty) < 1e-20 && buggy > 1e-3;
    }

    [Property(MaxTest = 30)]
    public bool The_penalty_of_a_linear_critic_is_lambda_free_of_data_and_has_the_analytic_gradient(ushort seed, byte scaleTenths)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var w = randn([3], dtype: ScalarType.Float64, generator: generator);
        w = w.div(w.norm()).mul(0.1 + scaleTenths % 30 / 10.0).requires_grad_();
        var real = randn([16, 3], dtype: ScalarType.Float64, generator: generator);
        var fake = randn([16, 3], dtype: ScalarType.Float64, generator: generator);
        var penalty = GradientPenalty.Compute(x => x.matmul(w), real, fake, rand([16], dtype: ScalarType.Float64, generator: generator));
        var norm = w.norm().item<double>();
        var gradient = autograd.grad([penalty], [w])[0];
        var expected = w.detach().mul(2 * (norm - 1) / norm);
        return Math.Abs(penalty.item<double>() - (norm - 1) * (norm - 1)) < 1e-12 && allclose(gradient, expected, rtol: 1e-10, atol: 1e-12);
    }

    /// <summary>
    /// At a discriminator that confidently rejects the samples (logit -20), the minimax cost's gradient vanishes
    /// (sigmoid(l) ~ 2e-9) while -log D's stays at -1 per sample ("Towards Principled Methods", Thm 2.4 and 2.5).
    /// </summary>
    [Fact]
    public void At_a_saturated_discriminator_the_minimax_gradient_vanishes_and_the_neg_log_d_gradient_does_not()
    {
        using var scope = NewDisposeScope();
        var logits = full(10, -20.0, dtype: ScalarType.Float64).requires_grad_();
        var minimax = autograd.grad([GanAlgorithm.GeneratorCost("minimax", logits)], [logits])[0];
        var negLogD = autograd.grad([GanAlgorithm.GeneratorCost("neg-log-d", logits)], [logits])[0];
        Assert.True(allclose(minimax, full(10, -1 / (1 + Math.Exp(20)) / 10, dtype: ScalarType.Float64), rtol: 1e-9, atol: 0));
        Assert.True(allclose(negLogD, full(10, -(1 - 1 / (1 + Math.Exp(20))) / 10, dtype: ScalarType.Float64), rtol: 1e-9, atol: 0));
        Assert.True(minimax.abs().max().item<double>() < 1e-9 && negLogD.abs().min().item<double>() > 0.0999);
    }

    static (double[] Metrics, float[] Parameters) TwoUpdates<TState>(Func<AdversarialState> init, Func<AdversarialState, GanBatch, Pipeline.Algorithms.Core.Step<AdversarialState>> update, int critic)
    {
        var state = init();
        try
        {
            double[] metrics = [];
            for (var i = 0; i < 2; i++)
            {
                using var batch = RealBatch(critic, 5 + i);
                var step = update(state, batch);
                state = step.State;
                metrics = step.Metrics.Select(m => m.Value).ToArray();
            }
            return (metrics, state.Generator.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray());
        }
        finally
        {
            state.Dispose();
        }
    }

    [Property(MaxTest = 8)]
    public bool Every_update_is_deterministic_for_a_seed(ushort seed)
    {
        var gan = Small(new GanConfig()) with { InstanceNoise = 0.1 };
        var wgan = Small(new WganConfig());
        var gp = Small(new WganGpConfig());
        bool Same((double[] M, float[] P) a, (double[] M, float[] P) b) => a.M.SequenceEqual(b.M) && a.P.SequenceEqual(b.P);
        return Same(TwoUpdates<AdversarialState>(() => GanAlgorithm.Init(gan, seed, CPU), GanAlgorithm.Update, 1),
                    TwoUpdates<AdversarialState>(() => GanAlgorithm.Init(gan, seed, CPU), GanAlgorithm.Update, 1))
            && Same(TwoUpdates<AdversarialState>(() => Wgan.Init(wgan, seed, CPU), Wgan.Update, 5),
                    TwoUpdates<AdversarialState>(() => Wgan.Init(wgan, seed, CPU), Wgan.Update, 5))
            && Same(TwoUpdates<AdversarialState>(() => WganGp.Init(gp, seed, CPU), WganGp.Update, 5),
                    TwoUpdates<AdversarialState>(() => WganGp.Init(gp, seed, CPU), WganGp.Update, 5))
            && !Same(TwoUpdates<AdversarialState>(() => WganGp.Init(gp, seed, CPU), WganGp.Update, 5),
                     TwoUpdates<AdversarialState>(() => WganGp.Init(gp, seed + 1, CPU), WganGp.Update, 5));
    }

    [Fact]
    public void The_reference_critic_schedule_is_100_for_the_first_25_steps_and_every_500th()
    {
        var reference = new WganConfig { ReferenceSchedule = true };
        Assert.Equal(100, reference.CriticStepsAt(1));
        Assert.Equal(100, reference.CriticStepsAt(25));
        Assert.Equal(5, reference.CriticStepsAt(26));
        Assert.Equal(100, reference.CriticStepsAt(500));
        Assert.Equal(5, reference.CriticStepsAt(501));
        Assert.Equal(5, new WganConfig().CriticStepsAt(1));
    }

    [Fact]
    public void Instance_noise_anneals_linearly_to_zero()
    {
        var config = new GanConfig { InstanceNoise = 0.5, NoiseAnnealSteps = 100 };
        Assert.Equal(0.5, config.NoiseAt(0));
        Assert.Equal(0.25, config.NoiseAt(50), 12);
        Assert.Equal(0, config.NoiseAt(100));
        Assert.Equal(0, config.NoiseAt(1000));
        Assert.Equal(0.5, (config with { NoiseAnnealSteps = 0 }).NoiseAt(1000));
    }
}
