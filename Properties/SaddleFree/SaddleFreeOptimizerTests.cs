using FsCheck.Xunit;
using Pipeline.Algorithms.SaddleFree;
using Pipeline.Algorithms.SaddleFree.Saddles;
using TorchSharp;
using SaddleFreeNewton = Pipeline.Algorithms.SaddleFree.SaddleFree;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.SaddleFree;

/// <summary>Acceptance, damping rules, bad input and checkpoints of the saddle-free optimizer.</summary>
public class SaddleFreeOptimizerTests
{
    /// <summary>
    /// f = sqrt(1 + |x|^2) far from 0: the curvature is tiny, the quadratic model's step overshoots to the other side
    /// where f is higher. The step is reverted to the bit, and the Levenberg-Marquardt rule raises the damping 10x.
    /// </summary>
    [Theory]
    [InlineData("fixed")]
    [InlineData("levenberg-marquardt")]
    [InlineData("line-search")]
    public void A_damped_step_that_increases_the_loss_is_reverted(string rule)
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 30.0, -20.0, 10.0 }, ScalarType.Float64).requires_grad_();
        var before = x.detach().clone();
        var config = new SaddleFreeConfig { Solver = "exact", DampingRule = rule, Damping = 1e-4, MinDamping = 1e-5, MaxDamping = 1e-3 };
        using var state = SaddleFreeNewton.Init(config, [x], 0);
        var step = SaddleFreeNewton.Update(config, state, [x], () => x.mul(x).sum().add(1).sqrt());
        Assert.Equal(0, step.Metrics["accepted"]);
        Assert.Equal(before.data<double>().ToArray(), x.detach().data<double>().ToArray()); // exactly the values before the step
        Assert.Equal(step.Metrics["loss"], step.Metrics["loss_after"]);
        Assert.Equal(rule switch { "fixed" => 1e-4, _ => 1e-3 }, state.Damping);
        Assert.Equal(1, state.Rejected);
    }

    /// <summary>A trial point where the loss is NaN (log of a negative number) is rejected and reported; the parameters stay finite.</summary>
    [Fact]
    public void A_NaN_loss_at_a_trial_point_is_rejected_and_reported()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 30.0, 20.0 }, ScalarType.Float64).requires_grad_();
        var before = x.detach().clone();
        // 0 * log(x) is 0 where x > 0 and NaN where x < 0, where the overshooting step lands.
        Tensor Loss() => x.mul(x).sum().add(1).sqrt().add(x.log().sum().mul(0));
        var config = new SaddleFreeConfig { Solver = "krylov", KrylovDimension = 2, DampingRule = "levenberg-marquardt", Damping = 1e-4 };
        using var state = SaddleFreeNewton.Init(config, [x], 0);
        var step = SaddleFreeNewton.Update(config, state, [x], Loss);
        Assert.Equal(0, step.Metrics["accepted"]);
        Assert.Equal(1, step.Metrics["rejected_non_finite"]);
        Assert.Equal(before.data<double>().ToArray(), x.detach().data<double>().ToArray());
        Assert.True(step.Metrics.All(m => double.IsFinite(m.Value)), step.Metrics.ToString());
    }

    [Fact]
    public void A_NaN_loss_at_the_start_is_a_clear_error_and_the_parameters_are_untouched()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -1.0, 2.0 }, ScalarType.Float64).requires_grad_();
        var config = new SaddleFreeConfig { Solver = "exact" };
        using var state = SaddleFreeNewton.Init(config, [x], 0);
        var error = Assert.Throws<NonFiniteLossException>(() => SaddleFreeNewton.Update(config, state, [x], () => x.log().sum()));
        Assert.Contains("loss is NaN", error.Message);
        Assert.Equal([-1.0, 2.0], x.detach().data<double>().ToArray());
    }

    /// <summary>seq.md 3.8: under the Levenberg-Marquardt rule the damping stays within [min, max] whatever happens.</summary>
    [Property(MaxTest = 10)]
    public bool Levenberg_Marquardt_damping_stays_within_its_bounds(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var (theta, loss) = Functions.TanhNetwork(generator);
        var config = new SaddleFreeConfig { Solver = "krylov", KrylovDimension = 6, DampingRule = "levenberg-marquardt", Damping = 1, MinDamping = 1e-3, MaxDamping = 10 };
        using var state = SaddleFreeNewton.Init(config, [theta], seed);
        var seen = new List<double>();
        for (var i = 0; i < 15; i++)
        {
            SaddleFreeNewton.Update(config, state, [theta], loss);
            seen.Add(state.Damping);
        }
        return seen.All(d => d >= 1e-3 && d <= 10);
    }

    [Theory]
    [InlineData(1, "krylov-dimension")]
    [InlineData(40, "krylov-dimension = 40 exceeds the 24 parameters")]
    public void Krylov_dimensions_outside_2_to_n_are_refused(int k, string message)
    {
        var config = new SaddleFreeConfig { KrylovDimension = k };
        Assert.Contains(config.ValidateFor(24).FailToSeq(), e => e.Message.Contains(message));
        using var x = zeros(24, ScalarType.Float64);
        var error = Assert.Throws<ArgumentException>(() => SaddleFreeNewton.Init(config, [x], 0));
        Assert.Contains("krylov-dimension", error.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void Non_positive_damping_is_refused(double damping) =>
        Assert.Contains(new SaddleFreeConfig { Damping = damping }.Validate().FailToSeq(), e => e.Message.Contains("damping") && e.Message.Contains("> 0"));

    [Fact]
    public void Damped_Newton_cannot_use_the_squared_Hessian() =>
        Assert.Contains(new SaddleFreeConfig { Curvature = "signed", Solver = "lanczos-h2" }.Validate().FailToSeq(), e => e.Message.Contains("lanczos-h2"));

    [Fact]
    public void The_exact_solver_refuses_large_models() =>
        Assert.Contains(new SaddleFreeConfig { Solver = "exact" }.ValidateFor(SaddleFreeConfig.MaxExactParameters + 1).FailToSeq(), e => e.Message.Contains("solver = exact"));

    /// <summary>Save after 2 steps, load, 3 more: the same metrics and point as 5 uninterrupted steps, bit for bit.</summary>
    [Theory]
    [InlineData("sfn", "krylov")]
    [InlineData("sfn", "lanczos-h2")]
    [InlineData("newton", "exact")]
    [InlineData("msgd", "krylov")]
    public void A_checkpoint_resumes_bit_identically(string optimizer, string solver)
    {
        var config = new SaddleDescentConfig { Problem = "teacher", Optimizer = optimizer, Solver = solver, KrylovDimension = 6, DampingRule = "levenberg-marquardt" };
        var (whole, wholeTheta) = Steps(SaddleDescent.Init(config, 4, CPU), 5);
        var first = SaddleDescent.Init(config, 4, CPU);
        for (var i = 1; i <= 2; i++) first = SaddleDescent.Update(first, i).State;
        var payload = SaddleDescent.Save(first);
        first.Dispose();
        var (resumed, resumedTheta) = Steps(SaddleDescent.Load(config, payload, CPU), 3);
        Assert.Equal(whole[^3..], resumed);
        Assert.Equal(wholeTheta, resumedTheta);
    }

    static (List<double[]> Metrics, double[] Theta) Steps(SaddleDescentState state, int count)
    {
        try
        {
            var metrics = new List<double[]>();
            for (var i = 1; i <= count; i++)
            {
                var step = SaddleDescent.Update(state, i);
                state = step.State;
                metrics.Add([.. step.Metrics.Select(m => m.Value)]);
            }
            return (metrics, state.Theta.detach().data<double>().ToArray());
        }
        finally
        {
            state.Dispose();
        }
    }
}
