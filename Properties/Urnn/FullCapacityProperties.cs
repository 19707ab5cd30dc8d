using FsCheck.Xunit;
using Pipeline.Algorithms.Urnn;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Urnn;

public class FullCapacityProperties
{
    static double Defect(FullUnitaryMatrix w)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var m = w.Matrix();
        return m.conj().t().matmul(m).sub(eye(w.Size, dtype: m.dtype)).abs().max().to_type(ScalarType.Float64).item<double>();
    }

    static Tensor RandomComplex(Generator g, long rows, int n) =>
        complex(randn([rows, n], dtype: ScalarType.Float64, generator: g), randn([rows, n], dtype: ScalarType.Float64, generator: g));

    /// <summary>The loss |h W - y|^2 on random rows: its gradient moves W somewhere a gradient step would leave the group.</summary>
    static Tensor Loss(FullUnitaryMatrix w, Tensor h, Tensor y) => w.call(h).sub(y).abs().square().sum();

    /// <summary>Twenty Cayley steps of size up to 0.5 on real gradients keep W^H W = I to 1e-12 (float64), with no re-projection.</summary>
    [Property(MaxTest = 15)]
    public bool Cayley_steps_keep_W_unitary(ushort seed, byte size, byte rate)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var n = 2 + size % 40;
        using var w = new FullUnitaryMatrix(n, g, CPU, ScalarType.Float64);
        var (h, y) = (RandomComplex(g, 8, n), RandomComplex(g, 8, n));
        var start = Defect(w);
        for (var step = 0; step < 20; step++)
        {
            foreach (var p in w.parameters()) p.grad = null;
            Loss(w, h, y).backward();
            w.CayleyStep(0.5 * (1 + rate) / 256);
        }
        return start < 1e-12 && Defect(w) < 1e-12;
    }

    [Fact]
    public void A_small_Cayley_step_lowers_the_loss_and_a_plain_gradient_step_would_leave_the_group()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        using var w = new FullUnitaryMatrix(16, g, CPU, ScalarType.Float64);
        var (h, y) = (RandomComplex(g, 8, 16), RandomComplex(g, 8, 16));
        var before = Loss(w, h, y);
        before.backward();
        using (no_grad())
        {
            // The Euclidean step W - 1e-3 G, for contrast: not unitary.
            var m = w.Matrix().sub(complex(w.parameters().First().grad!, w.parameters().Last().grad!).mul(1e-3));
            Assert.True(m.conj().t().matmul(m).sub(eye(16, dtype: m.dtype)).abs().max().item<double>() > 1e-6);
        }
        w.CayleyStep(1e-3);
        using var _ = no_grad();
        Assert.True(Loss(w, h, y).item<double>() < before.item<double>());
        Assert.True(Defect(w) < 1e-12);
    }

    [Fact]
    public void The_full_capacity_uRNN_trains_with_Cayley_steps_and_stays_unitary()
    {
        using var scope = NewDisposeScope();
        var config = new SequenceLearnerConfig { Model = "urnn-full", Hidden = 8, Inputs = 2, Outputs = 1, Device = "cpu" };
        using var state = SequenceLearner.Init(config, 5, CPU);
        var w = state.Network.modules().OfType<FullUnitaryMatrix>().Single();
        using var initial = w.Matrix().detach().clone();
        using var g = new Generator(6);
        for (var step = 0; step < 5; step++)
        {
            var (inputs, targets) = Pipeline.Environments.Data.Sequences.AddingProblem.Batch(20, 10, g);
            SequenceLearner.Update(state, new SequenceBatch(inputs, targets));
        }
        using var after = w.Matrix().detach();
        Assert.True(after.sub(initial).abs().max().item<float>() > 1e-5);
        Assert.True(Defect(w) < 1e-5); // float32
        Assert.Equal(state.Optimizer.SquareAverages.Length, state.Network.parameters().Count() - 2);
    }
}
