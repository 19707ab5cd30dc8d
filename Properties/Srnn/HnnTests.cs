using Pipeline.Algorithms.Srnn;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

/// <summary>The Hamiltonian Neural Network anchor (Greydanus et al. 2019), float64.</summary>
public class HnnTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Weights_start_orthogonal_and_the_last_layer_has_no_bias_as_in_the_hnn_code(bool hamiltonian)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        using var network = new HnnNetwork(hamiltonian, 16, g, CPU, ScalarType.Float64);
        var linears = network.modules().OfType<Linear>().ToArray();
        Assert.Equal(3, linears.Length);
        foreach (var linear in linears)
        {
            var w = linear.weight!;
            // Orthonormal columns when tall (out >= in), orthonormal rows when wide.
            var gram = w.shape[0] >= w.shape[1] ? w.t().matmul(w) : w.matmul(w.t());
            var identity = eye(gram.shape[0], dtype: ScalarType.Float64);
            Assert.True(allclose(gram, identity, rtol: 0, atol: 1e-12), $"weight [{string.Join(", ", w.shape)}] is not orthogonal");
        }
        Assert.NotNull(linears[0].bias);
        Assert.NotNull(linears[1].bias);
        Assert.Null(linears[2].bias);
    }

    [Fact]
    public void The_hnn_field_is_orthogonal_to_the_gradient_of_its_energy()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        using var network = new HnnNetwork(true, 16, g, CPU, ScalarType.Float64);
        var z = randn([64, 2], dtype: ScalarType.Float64, generator: g).requires_grad_();
        var field = network.call(z);
        var gradient = autograd.grad([network.Energy(z).sum()], [z])[0];
        // f = (dp/dt, dq/dt) = (-dF/dq, dF/dp), so grad F . f = dF/dp (-dF/dq) + dF/dq dF/dp = 0 for any weights.
        var dot = gradient.mul(field).sum(1).abs().max().item<double>();
        Assert.True(dot < 1e-12, $"grad F . f = {dot:E2}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_network_and_another_seed_another()
    {
        using var scope = NewDisposeScope();
        HnnNetwork Make(ulong seed) { using var g = new Generator(seed); return new HnnNetwork(true, 8, g, CPU, ScalarType.Float64); }
        using var a = Make(1);
        using var b = Make(1);
        using var c = Make(2);
        var (pa, pb, pc) = (a.parameters().ToArray(), b.parameters().ToArray(), c.parameters().ToArray());
        Assert.All(pa.Zip(pb), x => Assert.True(x.Item1.eq(x.Item2).all().item<bool>()));
        Assert.Contains(pa.Zip(pc), x => !x.Item1.eq(x.Item2).all().item<bool>());
    }
}
