using FsCheck.Xunit;
using Pipeline.Algorithms.Irm;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Irm;

/// <summary>The synthetic experiments' IRMv1 (irm_ngu.md 1.8): moments, the closed-form penalty against the reference's double backward, the batched problems.</summary>
public class LinearIrmProperties
{
    static (Tensor X, Tensor Y, Tensor Phi) Sample(int seed, int size)
    {
        using var generator = new Generator((ulong)seed);
        var d = 2 + 2 * (size % 4);
        var n = 5 + size % 40;
        var x = randn([n, d], dtype: ScalarType.Float64, generator: generator);
        var y = randn([n, 1], dtype: ScalarType.Float64, generator: generator);
        var phi = eye(d, dtype: ScalarType.Float64).add(randn([d, d], dtype: ScalarType.Float64, generator: generator).mul(0.3));
        return (x, y, phi);
    }

    static bool Close(double a, double b, double tolerance) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    [Property(MaxTest = 40)]
    public bool The_risk_from_second_moments_is_the_mean_squared_error(int seed, byte size)
    {
        using var scope = NewDisposeScope();
        var (x, y, phi) = Sample(seed, size);
        var v = phi.sum(1, keepdim: true);
        var direct = x.matmul(v).sub(y).square().mean().item<double>();
        return Close(SecondMoments.Of(x, y).Risk(v.unsqueeze(0)).item<double>(), direct, 1e-12);
    }

    [Property(MaxTest = 40)]
    public bool The_closed_form_penalty_equals_the_reference_double_backward_in_value_and_gradient(int seed, byte size)
    {
        using var scope = NewDisposeScope();
        var (x, y, phi) = Sample(seed, size);
        var closedPhi = phi.unsqueeze(0).clone().requires_grad_();
        var referencePhi = phi.clone().requires_grad_();
        var closed = LinearIrmPenalty.ClosedForm(SecondMoments.Of(x, y), closedPhi).sum();
        var reference = LinearIrmPenalty.DoubleBackward(x, y, referencePhi);
        closed.backward();
        reference.backward();
        return Close(closed.item<double>(), reference.item<double>(), 1e-10)
            && allclose(closedPhi.grad!.squeeze(0), referencePhi.grad!, rtol: 1e-9, atol: 1e-12);
    }

    [Fact]
    public void Problems_trained_side_by_side_equal_problems_trained_alone()
    {
        using var scope = NewDisposeScope();
        var (x, y, _) = Sample(1, 3);
        var (x2, y2, _) = Sample(2, 3);
        var first = SecondMoments.Of(x, y);
        var second = SecondMoments.Of(x2, y2);
        Tensor Train(string regs)
        {
            var config = new LinearIrmConfig { Dim = (int)x.shape[1], Reps = 1, Regs = regs };
            var count = config.RegValues.Count;
            using var state = LinearIrm.Init(config, 0, CPU);
            var batch = new LinearIrmBatch([SecondMoments.Stack([first], count, CPU), SecondMoments.Stack([second], count, CPU)]);
            for (var i = 0; i < 50; i++) LinearIrm.Update(state, batch);
            return LinearIrm.Solutions(state).MoveToOuterDisposeScope();
        }
        var together = Train("0,0.5");
        Assert.True(allclose(together[0], Train("0")[0], rtol: 1e-12, atol: 1e-14));
        Assert.True(allclose(together[1], Train("0.5")[0], rtol: 1e-12, atol: 1e-14));
        Assert.False(allclose(together[0], together[1]));
    }

    [Fact]
    public void Selection_keeps_the_regularizer_with_the_smallest_validation_error_per_repetition()
    {
        using var scope = NewDisposeScope();
        var config = new LinearIrmConfig { Dim = 2, Reps = 2, Regs = "0,0.1,1" };
        using var state = LinearIrm.Init(config, 0, CPU);
        // Φ = s·I, so Φ·w = (s, s): rep 0 tries s = 1, 0.5, 0; rep 1 tries s = 1.5, 1, 1 (a tie: the first wins).
        double[] scales = [1, 0.5, 0, 1.5, 1, 1];
        using (no_grad()) state.Phi.mul_(tensor(scales, dtype: ScalarType.Float64).view(-1, 1, 1));
        // Validation data where y = x·(1, 1) exactly: the solution (1, 1) has zero error.
        var x = tensor(new double[] { 1, 0, 0, 1, 1, 1 }, [3, 2], dtype: ScalarType.Float64);
        var y = x.sum(1, keepdim: true);
        var validation = SecondMoments.Stack([SecondMoments.Of(x, y), SecondMoments.Of(x, y)], 3, CPU);
        var (solutions, regs) = LinearIrm.Select(state, validation);
        Assert.Equal([0.0, 0.1], regs);
        Assert.Equal(0, validation.Risk(solutions.repeat_interleave(3, dim: 0)).abs().max().item<double>(), 1e-15);
        Assert.True(allclose(solutions, ones(2, 2, 1, dtype: ScalarType.Float64)));
    }

    [Fact]
    public void An_environment_without_the_moments_of_every_problem_is_refused()
    {
        using var scope = NewDisposeScope();
        var (x, y, _) = Sample(5, 2);
        using var state = LinearIrm.Init(new LinearIrmConfig { Dim = (int)x.shape[1], Reps = 2 }, 0, CPU);
        var tooFew = new LinearIrmBatch([SecondMoments.Stack([SecondMoments.Of(x, y)], 6, CPU)]);
        Assert.Throws<ArgumentException>(() => LinearIrm.Update(state, tooFew));
        Assert.Throws<ArgumentException>(() => LinearIrm.Update(state, new LinearIrmBatch([])));
    }

    [Fact]
    public void Least_squares_recovers_exact_linear_weights_from_pooled_environments()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9);
        var w = tensor(new double[] { 1, -2, 0.5 }, [3, 1], dtype: ScalarType.Float64);
        var environments = Enumerable.Range(0, 2).Select(_ =>
        {
            var x = randn([20, 3], dtype: ScalarType.Float64, generator: generator);
            return (x, x.matmul(w));
        }).ToList();
        Assert.True(allclose(LeastSquares.Fit(environments), w, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void Save_then_load_continues_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        var (x, y, _) = Sample(4, 2);
        var config = new LinearIrmConfig { Dim = (int)x.shape[1], Reps = 2 };
        var count = config.RegValues.Count;
        var m = SecondMoments.Of(x, y);
        var batch = new LinearIrmBatch([SecondMoments.Stack([m, m], count, CPU)]);
        using var whole = LinearIrm.Init(config, 0, CPU);
        for (var i = 0; i < 5; i++) LinearIrm.Update(whole, batch);
        using var resumed = LinearIrm.Load(config, LinearIrm.Save(whole), CPU);
        for (var i = 0; i < 5; i++)
        {
            LinearIrm.Update(whole, batch);
            LinearIrm.Update(resumed, batch);
        }
        Assert.True(Tensors.Same(whole.Phi, resumed.Phi));
    }
}
