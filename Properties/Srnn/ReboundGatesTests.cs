using Pipeline.Algorithms.Srnn;
using Pipeline.Reproductions.Srnn;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

/// <summary>The rebound gate's statistics: steps whose tentative move leaves the unit box against the others.</summary>
public class ReboundGatesTests
{
    [Fact]
    public void Gates_are_split_by_whether_the_tentative_position_left_the_box()
    {
        // 2 steps x 2 trajectories: one tentative position below the floor, one beyond the right wall, two inside.
        using var tentative = tensor(new double[] { 0.5, -0.01, 0.5, 0.5, 1.02, 0.3, 0.2, 0.9 }).reshape(2, 2, 2);
        using var gates = tensor(new double[] { 0.9, 0.05, 0.7, 0.3 }).reshape(2, 2);

        var m = ReboundGates.Measure(gates, tentative);

        Assert.Equal(0.5, m.OutsideFraction, 12);
        Assert.Equal((0.9 + 0.7) / 2, m.GateOutside, 12);
        Assert.Equal((0.05 + 0.3) / 2, m.GateInside, 12);
        Assert.Equal(0.5, m.InsideAbove, 12); // 0.3 > 0.1, 0.05 is not
    }

    [Fact]
    public void A_rollouts_gates_and_tentative_positions_come_one_per_step_and_the_gates_mean_is_the_training_penalty()
    {
        using var generator = new Generator(5);
        using var model = new ReboundHamiltonianNetwork(8, generator, CPU, ScalarType.Float64);
        using var z0 = tensor(new double[] { 0.3, -0.2, 0.5, 0.4, -0.6, 0.1, 0.2, 0.8 }).reshape(2, 4);

        var (gates, tentative) = model.GatesAlongRollout(z0, 6, 0.1);
        var (_, penalty) = model.RolloutWithGate(z0, 6, 0.1);

        Assert.Equal([5L, 2L], gates.shape);
        Assert.Equal([5L, 2L, 2L], tentative.shape);
        Assert.Equal(penalty.item<double>(), gates.mean().item<double>(), 12);
        Assert.True(gates.ge(0).all().item<bool>() && gates.le(1).all().item<bool>());
    }
}
