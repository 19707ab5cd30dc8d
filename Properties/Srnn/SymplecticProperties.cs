using FsCheck.Xunit;
using Pipeline.Algorithms.Srnn;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

public class SymplecticProperties
{
    static AnalyticHamiltonian Oscillator(double omega) => new(
        p => p.mul(p).sum(1).div(2), p => p.clone(),
        q => q.mul(q).sum(1).mul(omega * omega / 2), q => q.mul(omega * omega));

    /// <summary>The Jacobian J of one leapfrog step of an untrained H-NET satisfies J^T Omega J = Omega (SRNN section 3.4; seq.md 2.8).</summary>
    [Property(MaxTest = 15)]
    public bool Leapfrog_is_symplectic_for_any_separable_hamiltonian(ushort seed, byte dimension, byte dtHundredths)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var d = 1 + dimension % 3;
        var dt = (1 + dtHundredths % 50) / 100.0;
        using var h = new HamiltonianNetwork(d, 16, g, CPU, ScalarType.Float64);
        var z = randn([1, 2 * d], dtype: ScalarType.Float64, generator: g).requires_grad_();
        var (p, q) = Integrate.Step(h, Integrator.Leapfrog, z.narrow(1, 0, d), z.narrow(1, d, d), dt);
        var next = cat([p, q], 1);
        var rows = Enumerable.Range(0, 2 * d).Select(i => autograd.grad([next[0, i]], [z], retain_graph: true)[0].squeeze(0)).ToArray();
        var jacobian = stack(rows);
        var omega = zeros([2 * d, 2 * d], dtype: ScalarType.Float64);
        omega.narrow(0, 0, d).narrow(1, d, d).copy_(eye(d, dtype: ScalarType.Float64));
        omega.narrow(0, d, d).narrow(1, 0, d).copy_(eye(d, dtype: ScalarType.Float64).neg());
        var form = jacobian.t().matmul(omega).matmul(jacobian);
        return (form - omega).abs().max().item<double>() < 1e-10 && Math.Abs(linalg.det(jacobian).item<double>() - 1) < 1e-10;
    }

    [Property(MaxTest = 10)]
    public bool Leapfrog_runs_backwards_to_where_it_started(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        using var h = new HamiltonianNetwork(2, 16, g, CPU, ScalarType.Float64);
        using var _ = no_grad();
        var z = randn([4, 4], dtype: ScalarType.Float64, generator: g);
        var (p, q) = (z.narrow(1, 0, 2), z.narrow(1, 2, 2));
        var (pf, qf) = (p, q);
        for (var i = 0; i < 100; i++) (pf, qf) = Integrate.Step(Detached(h), Integrator.Leapfrog, pf, qf, 0.05);
        for (var i = 0; i < 100; i++) (pf, qf) = Integrate.Step(Detached(h), Integrator.Leapfrog, pf, qf, -0.05);
        return (pf - p).abs().max().item<double>() < 1e-12 && (qf - q).abs().max().item<double>() < 1e-12;
    }

    /// <summary>The H-NET's gradients need autograd; this view computes them under enable_grad and detaches the result.</summary>
    static ISeparableHamiltonian Detached(HamiltonianNetwork h) => new AnalyticHamiltonian(
        p => h.Energy(p, zeros_like(p)), p => WithGrad(() => h.KineticGradient(p)),
        q => h.Energy(zeros_like(q), q), q => WithGrad(() => h.PotentialGradient(q)));

    static Tensor WithGrad(Func<Tensor> f)
    {
        using var _ = enable_grad();
        return f().detach();
    }

    /// <summary>For H = p^2/2 + w^2 q^2/2, leapfrog conserves p^2 + w^2 q^2 (1 - (w dt)^2 / 4) exactly (seq.md 2.8).</summary>
    [Fact]
    public void Leapfrog_conserves_the_harmonic_oscillators_discrete_invariant_while_Euler_gains_energy()
    {
        using var scope = NewDisposeScope();
        const double omega = 1.3, dt = 0.37;
        var h = Oscillator(omega);
        var (p, q) = (tensor(new[] { 0.3 }, [1, 1], dtype: ScalarType.Float64), tensor(new[] { 1.1 }, [1, 1], dtype: ScalarType.Float64));
        double Invariant(Tensor pp, Tensor qq) => pp.mul(pp).add(qq.mul(qq).mul(omega * omega * (1 - omega * omega * dt * dt / 4))).item<double>();
        var start = Invariant(p, q);
        var (pl, ql) = (p, q);
        for (var i = 0; i < 10000; i++) (pl, ql) = Integrate.Step(h, Integrator.Leapfrog, pl, ql, dt);
        Assert.True(Math.Abs(Invariant(pl, ql) - start) / start < 1e-10);

        var (pe, qe) = (p, q);
        for (var i = 0; i < 1000; i++) (pe, qe) = Integrate.Step(h, Integrator.Euler, pe, qe, 0.1 / omega);
        var energyRatio = h.Energy(pe, qe).item<double>() / h.Energy(p, q).item<double>();
        Assert.InRange(energyRatio, 2.0e4, 2.3e4); // (1 + (w dt)^2)^1000 = 1.01^1000 = 2.1e4
    }

    [Fact]
    public void Leapfrog_is_exact_for_a_free_particle_and_the_trajectory_starts_at_the_initial_state()
    {
        using var scope = NewDisposeScope();
        var free = new AnalyticHamiltonian(p => p.mul(p).sum(1).div(2), p => p.clone(), q => zeros(q.shape[0], dtype: q.dtype), q => zeros_like(q));
        var z0 = tensor(new[] { 0.7, -0.2 }, [1, 2], dtype: ScalarType.Float64);
        var trajectory = Integrate.Trajectory(free, Integrator.Leapfrog, z0, 1001, 0.01);
        Assert.Equal([1001L, 1L, 2L], trajectory.shape);
        Assert.True(trajectory[0].equal(z0).all().item<bool>());
        Assert.Equal(-0.2 + 1000 * 0.01 * 0.7, trajectory[1000, 0, 1].item<double>(), 10);
        Assert.Equal(0.7, trajectory[1000, 0, 0].item<double>(), 12);
    }
}
