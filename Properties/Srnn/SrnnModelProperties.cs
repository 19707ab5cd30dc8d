using FsCheck.Xunit;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Srnn;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

public class SrnnModelProperties
{
    /// <summary>The H-NET's autograd K'(p) and V'(q) agree with central finite differences of its energy (float64).</summary>
    [Property(MaxTest = 10)]
    public bool Hnet_derivatives_agree_with_finite_differences(ushort seed, byte layers)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        const int d = 3;
        using var h = new HamiltonianNetwork(d, 16, g, CPU, ScalarType.Float64, layers: 1 + layers % 3);
        var p = randn([2, d], dtype: ScalarType.Float64, generator: g);
        var q = randn([2, d], dtype: ScalarType.Float64, generator: g);
        IDynamics field = h;
        var dp = field.Dp(p, q).detach();
        var dq = field.Dq(p, q).detach();
        const double eps = 1e-6;
        using var _ = no_grad();
        var worst = 0.0;
        for (var i = 0; i < d; i++)
        {
            var e = zeros([2, d], dtype: ScalarType.Float64);
            e[TensorIndex.Colon, i] = tensor(eps, dtype: ScalarType.Float64);
            var dHdp = h.Energy(p.add(e), q).sub(h.Energy(p.sub(e), q)).div(2 * eps);
            var dHdq = h.Energy(p, q.add(e)).sub(h.Energy(p, q.sub(e))).div(2 * eps);
            // Hamilton's equations: dq/dt = dH/dp, dp/dt = -dH/dq.
            worst = Math.Max(worst, dq[TensorIndex.Colon, i].sub(dHdp).abs().max().item<double>());
            worst = Math.Max(worst, dp[TensorIndex.Colon, i].add(dHdq).abs().max().item<double>());
        }
        return worst < 1e-8;
    }

    /// <summary>Any O-NET is integrated like the H-NET: the trajectory has T states, state 0 the given one, and Euler and leapfrog differ.</summary>
    /// <summary>
    /// Potential(q) is the energy's position part: H(p, q) - V(q) does not depend on q, for the H-NET and for the
    /// rebound model's H-NET (what the billiard's learned-potential figure reads; float64).
    /// </summary>
    [Property(MaxTest = 5)]
    public bool Potential_is_the_part_of_the_energy_that_depends_on_the_positions(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        using var h = new HamiltonianNetwork(2, 16, g, CPU, ScalarType.Float64);
        using var rebound = new ReboundHamiltonianNetwork(8, g, CPU, ScalarType.Float64, patches: false);
        var p = randn([1, 2], dtype: ScalarType.Float64, generator: g).expand(4, 2);
        var q = rand([4, 2], dtype: ScalarType.Float64, generator: g);
        using var _ = no_grad();
        double Spread(Tensor kinetic) => kinetic.max().item<double>() - kinetic.min().item<double>();
        var plain = Spread(h.Energy(p, q).sub(h.Potential(q)));
        var withModule = Spread(rebound.forward(cat([p, q], 1)).sub(rebound.Potential(q)));
        // The potential itself does vary with q, so a Potential that read the kinetic network would fail.
        return plain < 1e-12 && withModule < 1e-12 && Spread(h.Potential(q)) > 1e-6;
    }

    [Fact]
    public void Onet_trajectories_have_the_srnn_layout()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        using var f = new OdeNetwork(2, 8, g, CPU, ScalarType.Float64);
        var z0 = randn([5, 4], dtype: ScalarType.Float64, generator: g);
        var leapfrog = f.Rollout(z0, 7, Integrator.Leapfrog, 0.1);
        var euler = f.Rollout(z0, 7, Integrator.Euler, 0.1);
        Assert.Equal([7L, 5, 4], leapfrog.shape);
        Assert.True(leapfrog[0].eq(z0).all().item<bool>(), "state 0 is not z0");
        var gap = leapfrog[6].sub(euler[6]).abs().max().item<double>();
        Assert.True(gap > 1e-6, $"Euler and leapfrog differ by {gap}");
    }

    /// <summary>
    /// ISO sanity (seq.md 2.8): with the true Hamiltonian and noiseless data, L-BFGS from a perturbed z0 moves back to
    /// the true z0, shrinking the error at least 10x within 10 iterations (the problem is locally convex, App. C); the
    /// line-searched L-BFGS (iso-line-search) at least 1,000x.
    /// </summary>
    [Property(MaxTest = 10)]
    public bool Initial_state_optimisation_recovers_the_true_start(ushort seed, bool lineSearch)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var oscillator = new OscillatorModel();
        var z0 = randn([4, 2], dtype: ScalarType.Float64, generator: g);
        var observed = oscillator.Rollout(z0, 10, Integrator.Leapfrog, 0.1).detach();
        // The fit starts away from z0 and must match all ten clean states.
        var first = z0.add(randn([4, 2], dtype: ScalarType.Float64, generator: g).mul(0.3));
        var start = first.sub(z0).norm().item<double>();
        var fitted = InitialStateOptimisation.Fit(oscillator, observed, 10, Integrator.Leapfrog, 0.1, first, lineSearch);
        return fitted.sub(z0).norm().item<double>() < start / (lineSearch ? 1000 : 10);
    }

    /// <summary>H = (p^2 + q^2) / 2 as a trajectory model.</summary>
    sealed class OscillatorModel : ITrajectoryModel
    {
        readonly AnalyticHamiltonian h = new(p => p.mul(p).sum(1).div(2), p => p.clone(), q => q.mul(q).sum(1).div(2), q => q.clone());

        public Tensor Rollout(Tensor z0, int states, Integrator integrator, double dt) => Integrate.Trajectory(h, integrator, z0, states, dt);
    }

    [Fact]
    public void Mismatched_shapes_and_bad_configs_give_errors_that_name_what_was_expected()
    {
        using var scope = NewDisposeScope();
        var h = new AnalyticHamiltonian(p => p.sum(1), p => ones_like(p), q => q.sum(1), q => ones_like(q));
        Assert.Contains("p and q must have the same shape (B x d), not p [2, 3] and q [2, 2]",
            Assert.Throws<ArgumentException>(() => Integrate.Step(h, Integrator.Leapfrog, zeros([2, 3]), zeros([2, 2]), 0.1)).Message);
        Assert.Contains("z0 must be B x 2d with z = [p, q], not [2, 3]",
            Assert.Throws<ArgumentException>(() => Integrate.Trajectory(h, Integrator.Leapfrog, zeros([2, 3]), 4, 0.1)).Message);
        var errors = string.Join("; ", new SymplecticRnnConfig { Dt = 0 }.Validate().Match(_ => [], e => e.Select(x => x.Message)));
        Assert.Contains("dt", errors);
        Assert.Contains("0", errors);
        var hidden = string.Join("; ", new SymplecticRnnConfig { Hidden = 0, Dimension = -1 }.Validate().Match(_ => [], e => e.Select(x => x.Message)));
        Assert.Contains("hidden", hidden);
        Assert.Contains("dimension", hidden);
    }

    /// <summary>Single-step training turns a window into its consecutive pairs; both trainings lower the loss on a fixed batch.</summary>
    [Theory]
    [InlineData("recurrent", "hnet")]
    [InlineData("single-step", "hnet")]
    [InlineData("recurrent", "onet")]
    [InlineData("recurrent", "lstm")]
    public void Training_lowers_the_trajectory_loss(string training, string model)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        var config = new SymplecticRnnConfig { Training = training, Model = model, Dimension = 2, Hidden = 16, LearningRate = 1e-2, Device = "cpu" };
        var oscillator = new OscillatorModel();
        var states = oscillator.Rollout(randn([16, 4], dtype: ScalarType.Float64, generator: g), 6, Integrator.Leapfrog, 0.1).to_type(ScalarType.Float32);
        var state = SymplecticRnn.Init(config, 5, CPU);
        var losses = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var step = SymplecticRnn.Update(state, new TrajectoryBatch(states));
            state = step.State;
            losses.Add(step.Metrics["loss"]);
        }
        state.Dispose();
        Assert.True(losses[^1] < 0.7 * losses[0], $"{training} {model}: loss {losses[0]} -> {losses[^1]}");
    }

    /// <summary>With clip-norm set, the gradient Adam steps on has at most that global norm (the paper's RNN baseline: 0.25).</summary>
    [Fact]
    public void Clip_norm_bounds_the_gradients_global_norm()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(6);
        var states = new OscillatorModel().Rollout(randn([16, 4], dtype: ScalarType.Float64, generator: g), 6, Integrator.Leapfrog, 0.1)
            .to_type(ScalarType.Float32).mul(50); // large targets: large gradients
        double NormAfterOneStep(double clip)
        {
            var config = new SymplecticRnnConfig { Model = "rnn", Dimension = 2, Hidden = 16, ClipNorm = clip, Device = "cpu" };
            using var state = SymplecticRnn.Init(config, 5, CPU);
            SymplecticRnn.Update(state, new TrajectoryBatch(states));
            var squares = state.Model.parameters().Where(p => p.grad is not null).Sum(p => p.grad!.pow(2).sum().item<float>());
            return Math.Sqrt(squares);
        }
        var unclipped = NormAfterOneStep(0);
        Assert.True(unclipped > 1, $"the test needs a gradient norm above 1, got {unclipped}");
        Assert.InRange(NormAfterOneStep(0.25), 0.2499, 0.2501);
    }

    /// <summary>
    /// The baselines' three outputs, told apart with a readout of zero weights and bias b: residual adds b to the
    /// current state at each step (z0 + t b), state predicts b itself, hidden predicts the cell's hidden state, which
    /// an LSTM keeps in (-1, 1). hidden needs hidden = 2 x dimension, and says so.
    /// </summary>
    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")]
    public void Baseline_outputs_are_residual_readout_or_hidden_state(string cell)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(7);
        var z0 = randn([3, 4], generator: g).mul(3);
        var b = tensor(new float[] { 0.5f, -1, 2, 0.25f });
        Tensor Roll(RecurrentBaseline.Output output)
        {
            using var model = new RecurrentBaseline(cell == "lstm", 2, output == RecurrentBaseline.Output.Hidden ? 4 : 8, g, CPU, output: output);
            using (no_grad())
                foreach (var (name, parameter) in model.named_parameters())
                    if (name == "readout.weight") parameter.zero_();
                    else if (name == "readout.bias") parameter.copy_(b);
            using var _ = no_grad();
            return model.Rollout(z0, 4, Integrator.Leapfrog, 0.1);
        }
        var residual = Roll(RecurrentBaseline.Output.Residual);
        for (var t = 0; t < 4; t++) Assert.True(residual[t].sub(z0.add(b.mul(t))).abs().max().item<float>() < 1e-5, $"residual, state {t}");
        var state = Roll(RecurrentBaseline.Output.State);
        for (var t = 1; t < 4; t++) Assert.True(state[t].sub(b.expand(3, 4)).abs().max().item<float>() < 1e-6, $"state, state {t}");
        var hidden = Roll(RecurrentBaseline.Output.Hidden);
        Assert.True(hidden[0].eq(z0).all().item<bool>());
        Assert.True(hidden.narrow(0, 1, 3).abs().max().item<float>() < 1, "a hidden state is a tanh's output");
        Assert.Contains("hidden = 2 x dimension = 4, not 8",
            Assert.Throws<ArgumentException>(() => new RecurrentBaseline(cell == "lstm", 2, 8, g, CPU, output: RecurrentBaseline.Output.Hidden)).Message);
        var config = new SymplecticRnnConfig { Model = cell, Dimension = 2, Hidden = 8, BaselineOutput = "hidden" };
        Assert.Contains("baseline-output=hidden", string.Join("; ", config.Validate().Match(_ => [], e => e.Select(x => x.Message))));
        Assert.True((config with { Hidden = 4 }).Validate().IsSuccess);
    }
}
