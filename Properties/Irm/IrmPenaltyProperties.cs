using FsCheck.Xunit;
using Pipeline.Algorithms.Irm;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Irm;

/// <summary>The three computations of the IRMv1 penalty agree, in float64, and the closed form is the derivative it claims to be.</summary>
public class IrmPenaltyProperties
{
    /// <summary>Random logits N(0, 2²) and 0/1 labels, float64, from an explicit generator.</summary>
    static (Tensor Logits, Tensor Labels) Sample(int seed, int size)
    {
        using var generator = new Generator((ulong)seed);
        var n = 2 + size % 200;
        var logits = randn([n, 1], dtype: ScalarType.Float64, generator: generator).mul_(2);
        var labels = rand([n, 1], dtype: ScalarType.Float64, generator: generator).lt(0.5).to_type(ScalarType.Float64);
        return (logits, labels);
    }

    static bool Close(double a, double b, double tolerance) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    [Property(MaxTest = 50)]
    public bool The_closed_form_equals_autograd_double_backward_in_value_and_in_gradient(int seed, byte size)
    {
        using var scope = NewDisposeScope();
        var (f, y) = Sample(seed, size);
        var closedInput = f.clone().requires_grad_();
        var autogradInput = f.clone().requires_grad_();
        var closed = IrmPenalty.ClosedForm(closedInput, y);
        var reference = IrmPenalty.DoubleBackward(autogradInput, y);
        closed.backward();
        reference.backward();
        return Close(closed.item<double>(), reference.item<double>(), 1e-12)
            && allclose(closedInput.grad!, autogradInput.grad!, rtol: 1e-10, atol: 1e-15);
    }

    [Property(MaxTest = 50)]
    public bool The_closed_form_scale_gradient_is_the_derivative_of_the_risk_in_the_scale(int seed, byte size)
    {
        using var scope = NewDisposeScope();
        var (f, y) = Sample(seed, size);
        double Risk(double w) => nn.functional.binary_cross_entropy_with_logits(f.mul(w), y).item<double>();
        const double h = 1e-5;
        var centralDifference = (Risk(1 + h) - Risk(1 - h)) / (2 * h);
        // Truncation O(h²) and rounding O(1e-16 / h) are both far below 1e-8 for risks of order 1.
        return Close(IrmPenalty.ScaleGradient(f, y).item<double>(), centralDifference, 1e-8);
    }

    [Property(MaxTest = 50)]
    public bool The_half_product_equals_the_autograd_product_of_the_two_halves_gradients(int seed, byte size)
    {
        using var scope = NewDisposeScope();
        var (f, y) = Sample(seed, size);
        var n = f.shape[0];
        double HalfGradient(long start)
        {
            var rows = arange(start, n, 2);
            var scale = ones([], dtype: ScalarType.Float64).requires_grad_();
            var risk = nn.functional.binary_cross_entropy_with_logits(f.index_select(0, rows).mul(scale), y.index_select(0, rows));
            return autograd.grad([risk], [scale])[0].item<double>();
        }
        return Close(IrmPenalty.HalfProduct(f, y).item<double>(), HalfGradient(0) * HalfGradient(1), 1e-12);
    }

    [Property(MaxTest = 50)]
    public bool The_half_product_of_a_batch_seen_twice_is_the_squared_gradient(int seed, byte size)
    {
        using var scope = NewDisposeScope();
        var (f, y) = Sample(seed, size);
        // Interleaving every row with itself makes the even half and the odd half the same batch.
        var twice = f.repeat_interleave(2, dim: 0);
        var labelsTwice = y.repeat_interleave(2, dim: 0);
        return Close(IrmPenalty.HalfProduct(twice, labelsTwice).item<double>(), IrmPenalty.ClosedForm(f, y).item<double>(), 1e-12);
    }

    [Property(MaxTest = 30)]
    public bool The_unbiased_estimate_is_the_half_product_of_the_rows_permuted_by_its_generator(int seed, byte size)
    {
        using var scope = NewDisposeScope();
        var (f, y) = Sample(seed, size);
        using var generator = new Generator((ulong)seed + 1);
        using var replay = new Generator((ulong)seed + 1);
        var order = randperm(f.shape[0], generator: replay);
        return IrmPenalty.Unbiased(f, y, generator).item<double>()
            == IrmPenalty.HalfProduct(f.index_select(0, order), y.index_select(0, order)).item<double>();
    }

    [Fact]
    public void The_method_names_of_the_config_select_the_three_computations()
    {
        using var scope = NewDisposeScope();
        var (f, y) = Sample(3, 77);
        using var generator = new Generator(5);
        using var replay = new Generator(5);
        Assert.Equal(IrmPenalty.ClosedForm(f, y).item<double>(), IrmPenalty.Of(IrmConfig.ClosedForm, f, y, generator).item<double>());
        Assert.Equal(IrmPenalty.ClosedForm(f, y).item<double>(), IrmPenalty.Of(IrmConfig.DoubleBackward, f, y, generator).item<double>(), 1e-14);
        Assert.Equal(IrmPenalty.Unbiased(f, y, replay).item<double>(), IrmPenalty.Of(IrmConfig.Unbiased, f, y, generator).item<double>());
        Assert.Throws<ArgumentException>(() => IrmPenalty.Of("square", f, y, generator));
    }
}
