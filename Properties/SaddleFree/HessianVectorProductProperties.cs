using FsCheck.Xunit;
using Pipeline.Algorithms.SaddleFree;
using TorchSharp;
using Xunit;
using static Pipeline.Properties.SaddleFree.Functions;
using static TorchSharp.torch;

namespace Pipeline.Properties.SaddleFree;

/// <summary>Hessian-vector products by double backward (seq.md 3.6, 3.8), float64.</summary>
public class HessianVectorProductProperties
{
    [Property(MaxTest = 30)]
    public bool On_a_quadratic_Hv_equals_Av(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 2 + size % 30;
        var a = randn([n, n], ScalarType.Float64, generator: generator);
        a = a.add(a.t());
        var b = randn(n, ScalarType.Float64, generator: generator);
        var x = randn(n, ScalarType.Float64, generator: generator).requires_grad_();
        var v = randn(n, ScalarType.Float64, generator: generator);
        var products = At(x, () => a.matmul(x).dot(x).div(2).add(b.dot(x)));
        return RelativeError(products.Apply(v), a.matmul(v)) < 1e-12 && products.Count == 1;
    }

    [Property(MaxTest = 30)]
    public bool On_the_sum_of_fourth_powers_Hv_equals_12_x_squared_v(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 1 + size % 40;
        var x = randn(n, ScalarType.Float64, generator: generator).requires_grad_();
        var v = randn(n, ScalarType.Float64, generator: generator);
        var products = At(x, () => x.pow(4).sum());
        return RelativeError(products.Apply(v), x.detach().pow(2).mul(12).mul(v)) < 1e-12;
    }

    /// <summary>The Hessian is symmetric, so u.(Hv) = v.(Hu), here on a non-quadratic tanh network.</summary>
    [Property(MaxTest = 30)]
    public bool Products_are_symmetric(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var (theta, loss) = TanhNetwork(generator);
        var u = randn(theta.numel(), ScalarType.Float64, generator: generator);
        var v = randn(theta.numel(), ScalarType.Float64, generator: generator);
        var products = At(theta, loss);
        var (uHv, vHu) = (u.dot(products.Apply(v)).item<double>(), v.dot(products.Apply(u)).item<double>());
        return Math.Abs(uHv - vHu) <= 1e-12 * Math.Max(1, Math.Abs(uHv));
    }

    /// <summary>Hv against central differences of the gradient, (g(theta + e v) - g(theta - e v)) / 2e with e = 1e-5 (error O(e^2)).</summary>
    [Property(MaxTest = 20)]
    public bool Products_match_finite_differences_of_the_gradient(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var (theta, loss) = TanhNetwork(generator);
        var v = randn(theta.numel(), ScalarType.Float64, generator: generator);
        var hv = At(theta, loss).Apply(v);
        const double e = 1e-5;
        Tensor GradientAt(Tensor point)
        {
            using (no_grad()) theta.copy_(point);
            return autograd.grad([loss()], [theta])[0].detach().clone();
        }
        var origin = theta.detach().clone();
        var difference = GradientAt(origin.add(v.mul(e))).sub(GradientAt(origin.sub(v.mul(e)))).div(2 * e);
        return RelativeError(hv, difference) < 1e-7;
    }

    /// <summary>The Hessian-free form's product: H(Hv) from two products equals A(Av) on a quadratic.</summary>
    [Property(MaxTest = 20)]
    public bool Two_products_give_the_squared_Hessian(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 2 + size % 20;
        var a = randn([n, n], ScalarType.Float64, generator: generator);
        a = a.add(a.t());
        var x = randn(n, ScalarType.Float64, generator: generator).requires_grad_();
        var v = randn(n, ScalarType.Float64, generator: generator);
        var products = At(x, () => a.matmul(x).dot(x).div(2));
        return RelativeError(products.Apply(products.Apply(v)), a.matmul(a.matmul(v))) < 1e-12;
    }

    /// <summary>A parameter the loss does not read has a zero gradient and a zero row of H (not an autograd error).</summary>
    [Fact]
    public void A_parameter_the_loss_does_not_use_gets_zero_gradient_and_curvature()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1.0, 2.0 }, ScalarType.Float64).requires_grad_();
        var unused = tensor(new[] { 3.0 }, ScalarType.Float64).requires_grad_();
        var products = HessianVectorProducts.At([x, unused], () => x.pow(3).sum());
        Assert.Equal([3.0, 12.0, 0.0], products.Gradient.data<double>().ToArray());
        Assert.Equal([6.0, 0.0, 0.0], products.Apply(tensor(new[] { 1.0, 0.0, 1.0 }, ScalarType.Float64)).data<double>().ToArray());
    }
}
