using Pipeline.Algorithms.Srnn;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

/// <summary>The SRNN code's leapfrog, which carries each step's last kick into the next step (float64).</summary>
public class CarriedKickTests
{
    /// <summary>A field whose dp/dt depends on p, as an O-NET's may: a damped, nonlinear oscillator.</summary>
    sealed class MomentumDependentField : IDynamics
    {
        public Tensor Dp(Tensor p, Tensor q) => q.neg().sub(p.mul(p).mul(0.3)).sub(p.mul(0.2));
        public Tensor Dq(Tensor p, Tensor q) => p.add(q.mul(0.1));
    }

    static Tensor Start(int seed) => randn([4, 6], dtype: ScalarType.Float64, generator: new Generator((ulong)seed));

    [Fact]
    public void It_is_the_leapfrog_for_a_separable_hamiltonian()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        using var h = new HamiltonianNetwork(3, 16, g, CPU, ScalarType.Float64);
        var z0 = Start(1);
        var leapfrog = Integrate.Trajectory(h, Integrator.Leapfrog, z0, 20, 0.1);
        var carried = Integrate.Trajectory(h, Integrator.LeapfrogCarriedKick, z0, 20, 0.1);
        Assert.True(allclose(leapfrog, carried, rtol: 0, atol: 1e-12), $"largest gap {(leapfrog - carried).abs().max().item<double>():E2}");
    }

    [Fact]
    public void With_a_momentum_dependent_field_it_is_the_paper_codes_loop_and_departs_from_the_leapfrog_after_one_step()
    {
        using var scope = NewDisposeScope();
        var f = new MomentumDependentField();
        var z0 = Start(2);
        const double dt = 0.3;
        var carried = Integrate.Trajectory(f, Integrator.LeapfrogCarriedKick, z0, 6, dt);
        var leapfrog = Integrate.Trajectory(f, Integrator.Leapfrog, z0, 6, dt);

        // model.py's loop for an O-NET, written out.
        var (p, q) = (z0.narrow(1, 0, 3), z0.narrow(1, 3, 3));
        var dpdt = f.Dp(p, q);
        var states = new List<Tensor> { z0 };
        for (var t = 1; t < 6; t++)
        {
            var pHalf = p + dpdt * (dt / 2);
            var qNext = q + f.Dq(pHalf, q) * dt;
            dpdt = f.Dp(pHalf, qNext);
            (p, q) = (pHalf + dpdt * (dt / 2), qNext);
            states.Add(cat([p, q], 1));
        }
        Assert.True(allclose(stack(states), carried, rtol: 0, atol: 1e-12));
        Assert.True(allclose(leapfrog[1], carried[1], rtol: 0, atol: 1e-12), "the first step has no kick to carry");
        Assert.True((leapfrog[2] - carried[2]).abs().max().item<double>() > 1e-4, "from the second step the kick is read at the half-step momentum");
    }
}
