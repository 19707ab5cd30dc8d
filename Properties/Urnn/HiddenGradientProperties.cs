using FsCheck.Xunit;
using Pipeline.Algorithms.Urnn;
using Pipeline.Environments.Data.Sequences;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Urnn;

public class HiddenGradientProperties
{
    /// <summary>
    /// seq.md 1.9: with modReLU the identity (bias 0, epsilon 0) and the cost at the last step only, ∂C/∂h_{t-1} =
    /// Wᴴ ∂C/∂h_t, so ‖∂C/∂h_t‖ is the same for every t (float64, relative 1e-12 at T = 60).
    /// </summary>
    [Property(MaxTest = 8)]
    public bool A_unitary_recurrence_keeps_the_gradient_norm_through_time(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        using var rnn = new UnitaryRnn(2, 16, 1, epsilon: 0, g, CPU, ScalarType.Float64);
        var batch = new SequenceBatch(randn([4, 60, 2], dtype: ScalarType.Float64, generator: g), randn([4], dtype: ScalarType.Float64, generator: g));
        var norms = HiddenGradients.Norms(rnn, batch);
        return norms.Length == 60 && norms.All(n => Math.Abs(n / norms[^1] - 1) < 1e-12);
    }

    [Fact]
    public void A_tanh_RNN_at_initialisation_loses_the_gradient_exponentially()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        using var rnn = new GatedRnn("tanh", 2, 80, 1, g, CPU);
        var (inputs, targets) = AddingProblem.Batch(20, 50, g);
        var norms = HiddenGradients.Norms(rnn, new SequenceBatch(inputs, targets));
        Assert.True(norms[0] < 1e-3 * norms[^1], $"‖∂C/∂h_1‖ = {norms[0]:G3}, ‖∂C/∂h_T‖ = {norms[^1]:G3}");
    }

    /// <summary>The unrolled passes that expose the states compute what the fused forward passes do.</summary>
    [Theory]
    [InlineData("urnn")]
    [InlineData("urnn-full")]
    [InlineData("lstm")]
    [InlineData("tanh")]
    public void Unrolling_computes_the_forward_pass(string model)
    {
        using var scope = NewDisposeScope();
        using var state = SequenceLearner.Init(new SequenceLearnerConfig { Model = model, Hidden = 12, Device = "cpu" }, 3, CPU);
        using var g = new Generator(5);
        var (inputs, _) = CopyMemory.Batch(3, 6, g);
        var (outputs, states) = state.Network is UnitaryRnn u ? u.Unroll(inputs) : ((GatedRnn)state.Network).Unroll(inputs);
        Assert.Equal(26, states.Count);
        Assert.True(outputs.allclose(state.Network.call(inputs), rtol: 1e-5, atol: 1e-6));
    }
}
