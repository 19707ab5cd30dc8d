using Pipeline.Algorithms.Srnn;
using Pipeline.Recipes;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

/// <summary>
/// rebound-hard-gate: a full reflection or none in the forward pass, gamma's gradient passed straight through. Off, it
/// leaves the config hash of runs written before it existed unchanged.
/// </summary>
public class ReboundHardGateTests
{
    static string Hash(params string[] assignments) =>
        RecipeRegistry.Find("srnn-billiard")!.Prepare(assignments, 0, 1).Match(run => run.ConfigHash, errors => throw new InvalidOperationException(string.Join("; ", errors)));

    [Fact]
    public void Off_keeps_the_hash_of_runs_written_before_it_existed_and_on_changes_it()
    {
        // Recorded by `reproduce srnn-billiards` (its recurrent-hnet-rebound sub-run, seed 0) with the build before it existed.
        string[] row = ["training=recurrent", "model=hnet-rebound", "device=cpu"];
        Assert.Equal("67c9be54e119bc29", Hash(row));
        Assert.Equal("67c9be54e119bc29", Hash([.. row, "rebound-hard-gate=false"]));
        Assert.NotEqual("67c9be54e119bc29", Hash([.. row, "rebound-hard-gate=true"]));
    }

    [Fact]
    public void A_hard_gate_reflects_unlike_the_soft_one_and_its_gradient_reaches_the_gate_network()
    {
        using var scope = NewDisposeScope();
        using var z0 = tensor(new double[] { 0.3, -0.2, 0.5, 0.4, -0.6, 0.1, 0.2, 0.8 }).reshape(2, 4);
        ReboundHamiltonianNetwork Build(bool hard)
        {
            using var generator = new Generator(5);
            return new ReboundHamiltonianNetwork(8, generator, CPU, ScalarType.Float64, gateInit: 0.9, hardGate: hard);
        }
        using var soft = Build(false);
        using var hard = Build(true);

        var softRollout = soft.Rollout(z0, 4, Integrator.Leapfrog, 0.1);
        var hardRollout = hard.Rollout(z0, 4, Integrator.Leapfrog, 0.1);
        // Same weights, gate 0.9 everywhere: the hard gate reflects at full strength, the soft one at 0.9.
        Assert.True(hardRollout.sub(softRollout).abs().max().item<double>() > 1e-6);

        hardRollout.pow(2).sum().backward();
        var gateGradients = hard.named_parameters().Where(p => p.name.StartsWith("gateNet", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(gateGradients);
        Assert.Contains(gateGradients, p => p.parameter.grad is { } grad && grad.abs().max().item<double>() > 0);
    }
}
