using FsCheck.Xunit;
using Pipeline.Algorithms.Urnn;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Urnn;

public class UnitaryFactorProperties
{
    static Tensor RandomComplex(Generator g, long rows, int n) =>
        complex(randn([rows, n], dtype: ScalarType.Float64, generator: g), randn([rows, n], dtype: ScalarType.Float64, generator: g));

    static Tensor Norms(Tensor h) => h.abs().square().sum(1).sqrt();

    [Property(MaxTest = 20)]
    public bool The_orthonormal_FFT_pair_is_inverse_and_norm_preserving(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var h = RandomComplex(g, 8, 1 + size % 100);
        var f = fft.fft_(h, -1, -1, FFTNormType.Ortho);
        return allclose(Norms(f), Norms(h), rtol: 1e-12, atol: 0)
            && (fft.ifft(f, -1, -1, FFTNormType.Ortho) - h).abs().max().item<double>() < 1e-12;
    }

    /// <summary>modReLU keeps each unit's phase; with bias 0 it scales |z| by |z| / (|z| + epsilon), the identity as epsilon -> 0.</summary>
    [Property(MaxTest = 20)]
    public bool ModReLU_preserves_phase_and_is_the_identity_up_to_epsilon_at_zero_bias(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var z = RandomComplex(g, 4, 16);
        var bias = randn([16], dtype: ScalarType.Float64, generator: g).mul(0.3);
        var out1 = ModReLU.Apply(z, bias, 1e-5);
        var alive = out1.abs().gt(0);
        var phaseKept = (out1.angle() - z.angle()).masked_select(alive).abs().max().item<double>() < 1e-12;
        var identity = ModReLU.Apply(z, zeros([16], dtype: ScalarType.Float64), 1e-5);
        var expected = z.mul(z.abs().div(z.abs().add(1e-5)));
        return phaseKept && (identity - expected).abs().max().item<double>() < 1e-14
            && (ModReLU.Apply(z, zeros([16], dtype: ScalarType.Float64), 0) - z).abs().max().item<double>() < 1e-14;
    }

    [Fact]
    public void The_permutation_is_fixed_by_the_seed()
    {
        using var scope = NewDisposeScope();
        using var a = new UnitaryMatrix(32, new Generator(9), CPU, ScalarType.Float64);
        using var b = new UnitaryMatrix(32, new Generator(9), CPU, ScalarType.Float64);
        using var c = new UnitaryMatrix(32, new Generator(10), CPU, ScalarType.Float64);
        Tensor Perm(UnitaryMatrix m) => m.buffers().Single();
        Assert.True(Perm(a).equal(Perm(b)).all().item<bool>());
        Assert.False(Perm(a).equal(Perm(c)).all().item<bool>());
    }

    /// <summary>Every parameter's gradient of a real loss through 5 uRNN steps agrees with central finite differences (float64).</summary>
    [Fact]
    public void Gradients_of_every_parameter_agree_with_finite_differences()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        using var rnn = new UnitaryRnn(3, 6, 2, 1e-5, g, CPU, ScalarType.Float64);
        // A nonzero modReLU bias so the nonlinearity is exercised.
        using (no_grad()) foreach (var p in rnn.parameters().Where(p => p.dim() == 1 && p.shape[0] == 6)) p.uniform_(-0.3, 0.3, g);
        var inputs = tensor(new long[] { 0, 2, 1, 1, 0 }, [1, 5]);
        var weights = randn([1, 5, 2], dtype: ScalarType.Float64, generator: g);
        Tensor Loss() => rnn.call(inputs).mul(weights).sum();
        var parameters = rnn.parameters().ToList();
        foreach (var p in parameters) p.grad = null;
        Loss().backward();
        const double h = 1e-6;
        foreach (var p in parameters)
        {
            var analytic = p.grad!.flatten();
            var flat = p.detach().flatten();
            for (var i = 0; i < flat.shape[0]; i += Math.Max(1, (int)flat.shape[0] / 7))
            {
                double Shifted(double delta)
                {
                    using var _ = no_grad();
                    var original = flat[i].item<double>();
                    flat[i] = tensor(original + delta, dtype: ScalarType.Float64);
                    var value = Loss().item<double>();
                    flat[i] = tensor(original, dtype: ScalarType.Float64);
                    return value;
                }
                var numeric = (Shifted(h) - Shifted(-h)) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i].item<double>()) < 1e-6 * (1 + Math.Abs(numeric)),
                    $"parameter of shape [{string.Join(",", p.shape)}], element {i}: finite difference {numeric}, autograd {analytic[i].item<double>()}");
            }
        }
    }
}

public class SequenceInputTests
{
    [Theory]
    [InlineData("urnn")]
    [InlineData("lstm")]
    public void Inputs_of_the_wrong_rank_or_out_of_vocabulary_are_refused(string model)
    {
        using var scope = NewDisposeScope();
        using var state = SequenceLearner.Init(new SequenceLearnerConfig { Model = model, Hidden = 4, Device = "cpu" }, 1, CPU);
        Assert.Contains("shape [2, 3, 4]", Assert.Throws<ArgumentException>(() => state.Network.call(zeros([2, 3, 4], dtype: ScalarType.Int64))).Message);
        Assert.Contains("found 10", Assert.Throws<ArgumentException>(() => state.Network.call(full([2, 3], 10L))).Message);
        Assert.Contains("found -1", Assert.Throws<ArgumentException>(() => state.Network.call(full([2, 3], -1L))).Message);
    }

    [Theory]
    [InlineData("urnn")]
    [InlineData("tanh")]
    public void Empty_sequences_and_sizes_below_one_are_refused_naming_them(string model)
    {
        using var scope = NewDisposeScope();
        using var state = SequenceLearner.Init(new SequenceLearnerConfig { Model = model, Hidden = 4, Inputs = 2, Device = "cpu" }, 1, CPU);
        Assert.Contains("shape [3, 0, 2]", Assert.Throws<ArgumentException>(() => state.Network.call(zeros([3, 0, 2]))).Message);
        Assert.Contains("shape [3, 0]", Assert.Throws<ArgumentException>(() => state.Network.call(zeros([3, 0], dtype: ScalarType.Int64))).Message);
        Assert.Contains("(batch x time x 2)", Assert.Throws<ArgumentException>(() => state.Network.call(zeros([3, 5, 3]))).Message);
        using var g = new Generator(1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model == "urnn" ? new UnitaryRnn(2, 0, 1, 1e-5, g, CPU) : (nn.Module)new GatedRnn(model, 2, -4, 1, g, CPU));
        Assert.Equal("hidden", error.ParamName);
        Assert.Equal(model == "urnn" ? 0 : -4, error.ActualValue);
    }
}
