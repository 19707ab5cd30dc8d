using FsCheck.Xunit;
using Pipeline.Algorithms.Optim;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Algorithms;

/// <summary>
/// The fixed-step L-BFGS is torch.optim.LBFGS without a line search, step for step (float64): both are run from the
/// same start on the same smooth non-convex objective and must end at the same point.
/// </summary>
public class FixedStepLbfgsProperties
{
    static Tensor Objective(Tensor x, Tensor scales) => x.pow(4).mul(scales).sum().add(x.sin().sum()).add(x.pow(2).sum());

    [Property(MaxTest = 25)]
    public bool It_takes_the_steps_of_torch_lbfgs(ushort seed, byte rawIterations)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var iterations = 1 + rawIterations % 15;
        var scales = rand([6], dtype: ScalarType.Float64, generator: g).mul(3);
        var start = randn([6], dtype: ScalarType.Float64, generator: g);

        var ours = FixedStepLbfgs.Minimize(x => Objective(x, scales), start, iterations);

        var z = new Parameter(start.clone());
        using var lbfgs = optim.LBFGS([z], 1, iterations, iterations * 5 / 4 + 1, 1e-7, 1e-9, 10);
        lbfgs.step(() =>
        {
            lbfgs.zero_grad();
            var loss = Objective(z, scales);
            loss.backward();
            return loss;
        });
        var difference = ours.sub(z.detach()).abs().max().item<double>();
        return difference < 1e-9 * Math.Max(1, z.detach().abs().max().item<double>());
    }

    [Fact]
    public void A_step_into_a_non_finite_objective_is_not_taken_and_bad_options_are_refused()
    {
        using var scope = NewDisposeScope();
        // log x + log(1 - x) falls towards x = 0, and the first step from 0.3 lands at -0.7, where it is NaN.
        var start = full([1], 0.3, dtype: ScalarType.Float64);
        var fitted = FixedStepLbfgs.Minimize(x => x.log().add(x.neg().add(1).log()).sum(), start, 10);
        Assert.True(double.IsFinite(fitted.log().add(fitted.neg().add(1).log()).sum().item<double>()), $"ended at {fitted.item<double>()}");
        Assert.Throws<ArgumentException>(() => FixedStepLbfgs.Minimize(x => x.pow(2).sum(), start, 0));
        Assert.Throws<ArgumentException>(() => FixedStepLbfgs.Minimize(x => x.pow(2).sum(), start, 5, history: 0));
    }
}
