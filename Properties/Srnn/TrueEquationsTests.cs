using Pipeline.Environments.Physics;
using Pipeline.Recipes.Srnn;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

/// <summary>Table 3's simulation row: leapfrog on the true equations, the scale the three-body errors are compared on.</summary>
public class TrueEquationsTests
{
    /// <summary>Final-state position error of the true-equations rollout over time 0.4 at step dt.</summary>
    static double FinalError(double dt)
    {
        var system = new ThreeBody();
        var states = (int)Math.Round(0.4 / dt) + 1;
        using var g = new Generator(11);
        using var truth = ReferenceTrajectories.Generate(system, 4, states, dt, (int)Math.Round(dt / 1e-4), g);
        using var rollout = TrueEquations.Rollout(system, truth.to_type(ScalarType.Float32), truth, dt)!;
        using var gap = rollout[-1].narrow(1, 6, 6) - truth[-1].narrow(1, 6, 6);
        return gap.norm().item<double>();
    }

    [Fact]
    public void The_true_equations_rollout_converges_at_second_order()
    {
        var (coarse, fine) = (FinalError(0.1), FinalError(0.05));
        Assert.True(fine > 0 && coarse / fine is > 3 and < 5.5, $"halving dt should cut leapfrog's error about 4x: {coarse:E3} -> {fine:E3}");
    }

    [Fact]
    public void A_system_without_a_leapfrog_step_has_no_rollout()
    {
        var system = new HeavyBilliard();
        using var g = new Generator(1);
        using var truth = ReferenceTrajectories.Generate(system, 2, 3, 0.1, 1, g);
        Assert.Null(TrueEquations.Rollout(system, truth, truth, 0.1));
    }
}
