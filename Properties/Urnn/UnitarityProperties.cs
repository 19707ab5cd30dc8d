using FsCheck.Xunit;
using Pipeline.Algorithms.Urnn;
using Pipeline.Environments.Data.Sequences;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Urnn;

public class UnitarityProperties
{
    static Tensor RandomComplex(Generator g, long rows, int n) =>
        complex(randn([rows, n], dtype: ScalarType.Float64, generator: g), randn([rows, n], dtype: ScalarType.Float64, generator: g));

    /// <summary>W = D3 R2 F^-1 D2 Pi R1 F D1 at random parameters: W^H W = I to 1e-12 in float64 (seq.md 1.9).</summary>
    [Property(MaxTest = 20)]
    public bool The_recurrence_matrix_is_unitary(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var n = 2 + size % 63;
        using var w = new UnitaryMatrix(n, g, CPU, ScalarType.Float64);
        using var _ = no_grad();
        // Rows of the identity through W give W^T; unitarity of W^T is unitarity of W.
        var identity = eye(n, dtype: ScalarType.ComplexFloat64);
        var image = w.call(identity);
        var gram = image.matmul(image.conj().t());
        return (gram - identity).abs().max().item<double>() < 1e-12;
    }

    [Property(MaxTest = 20)]
    public bool The_recurrence_preserves_the_norm_of_every_hidden_state(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var n = 2 + size % 127;
        using var w = new UnitaryMatrix(n, g, CPU, ScalarType.Float64);
        using var _ = no_grad();
        var h = RandomComplex(g, 16, n);
        var norms = h.abs().square().sum(1).sqrt();
        var after = w.call(h).abs().square().sum(1).sqrt();
        return allclose(norms, after, rtol: 1e-12, atol: 0);
    }

    /// <summary>With bias 0 and epsilon 0, modReLU is the identity, so 50 steps with no input keep |h| (unitary evolution).</summary>
    [Property(MaxTest = 10)]
    public bool Fifty_steps_without_input_keep_the_hidden_norm(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        using var rnn = new UnitaryRnn(3, 32, 2, epsilon: 0, g, CPU, ScalarType.Float64);
        using var _ = no_grad();
        var h = RandomComplex(g, 4, 32);
        var start = h.abs().square().sum(1).sqrt();
        var none = zeros([4, 64], dtype: ScalarType.Float64);
        for (var t = 0; t < 50; t++) h = rnn.Step(h, none);
        return allclose(h.abs().square().sum(1).sqrt(), start, rtol: 1e-10, atol: 0);
    }

    [Fact]
    public void The_uRNN_has_7n_recurrence_parameters_and_the_papers_copy_task_size()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        using var rnn = new UnitaryRnn(10, 128, 9, 1e-5, g, CPU);
        Assert.Equal(7 * 128, rnn.Recurrence.parameters().Sum(p => p.numel()));
        Assert.Equal(6153, rnn.parameters().Sum(p => p.numel())); // seq.md 1.1: 6,153 for n = 128, n_in = 10, n_out = 9
    }

    [Fact]
    public void The_copy_task_has_the_reference_format()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        const int delay = 7;
        var (inputs, targets) = CopyMemory.Batch(5, delay, g);
        Assert.Equal([5L, delay + 20L], inputs.shape);
        var x = inputs.data<long>().ToArray();
        var y = targets.data<long>().ToArray();
        for (var b = 0; b < 5; b++)
        {
            var row = x[(b * (delay + 20))..((b + 1) * (delay + 20))];
            var target = y[(b * (delay + 20))..((b + 1) * (delay + 20))];
            Assert.All(row[..10], s => Assert.InRange(s, 1, 8));
            Assert.All(row[10..(delay + 9)], s => Assert.Equal(0, s));
            Assert.Equal(9, row[delay + 9]);
            Assert.All(row[(delay + 10)..], s => Assert.Equal(0, s));
            Assert.All(target[..(delay + 10)], s => Assert.Equal(0, s));
            Assert.Equal(row[..10], target[(delay + 10)..]);
        }
        Assert.Equal(0.17329, CopyMemory.Baseline(100), 5);
        Assert.Equal(0.03999, CopyMemory.Baseline(500), 5);
    }
}

public class AddingProblemTests
{
    [Property(MaxTest = 20)]
    public bool The_adding_problem_has_two_markers_one_in_each_half_and_their_sum_as_target(ushort seed, byte length)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var t = 2 + length % 60;
        var (inputs, targets) = AddingProblem.Batch(8, t, g);
        if (!inputs.shape.SequenceEqual(new long[] { 8, t, 2 }) || !targets.shape.SequenceEqual(new long[] { 8 })) return false;
        var values = inputs.select(2, 0);
        var markers = inputs.select(2, 1);
        var half = t / 2;
        var firstHalf = markers.narrow(1, 0, half).sum(1);
        var secondHalf = markers.narrow(1, half, t - half).sum(1);
        var sums = values.mul(markers).sum(1);
        return firstHalf.eq(1).all().item<bool>() && secondHalf.eq(1).all().item<bool>()
            && allclose(sums, targets, rtol: 1e-6, atol: 1e-6)
            && values.ge(0).all().item<bool>() && values.lt(1).all().item<bool>();
    }
}
