using Pipeline.Algorithms.Urnn;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Urnn;

public class SequenceBaselineTests
{
    [Fact]
    public void The_IRNN_starts_from_the_identity_with_zero_recurrent_biases()
    {
        using var generator = new Generator(3);
        using var network = new GatedRnn("irnn", 2, 6, 1, generator, CPU);
        var recurrent = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var hidden = recurrent.Single(p => p.Key.EndsWith("weight_hh_l0")).Value;
        using var identity = eye(6);
        Assert.True(hidden.eq(identity).all().item<bool>());
        foreach (var bias in recurrent.Where(p => p.Key.Contains("bias_") && p.Key.EndsWith("_l0")))
            Assert.Equal(0, bias.Value.abs().max().item<float>());
        var input = recurrent.Single(p => p.Key.EndsWith("weight_ih_l0")).Value;
        Assert.InRange(input.std().item<float>(), 0.0003, 0.003);
    }

    /// <summary>With identity recurrence, zero biases and non-negative inputs a ReLU RNN integrates its input: h_T = sum of W_ih x_t.</summary>
    [Fact]
    public void The_initial_IRNN_adds_up_its_inputs()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        using var network = new GatedRnn("irnn", 1, 4, 1, generator, CPU);
        var weights = network.named_parameters().Single(p => p.name.EndsWith("weight_ih_l0")).parameter.abs();
        using (no_grad()) network.named_parameters().Single(p => p.name.EndsWith("weight_ih_l0")).parameter.copy_(weights);
        var inputs = rand([3, 20, 1], generator: generator);
        var outputs = network.call(inputs);
        var readout = network.named_parameters().Where(p => p.name.StartsWith("readout")).ToDictionary(p => p.name, p => p.parameter);
        var expected = inputs.sum(1).matmul(weights.t()).matmul(readout["readout.weight"].t()).add(readout["readout.bias"]);
        Assert.True(outputs.select(1, -1).allclose(expected, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void One_class_per_sequence_is_scored_at_the_last_step()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(8);
        using var network = new GatedRnn("tanh", 1, 5, 10, generator, CPU);
        var inputs = randn([6, 9, 1], generator: generator);
        var labels = randint(0, 10, [6], generator: generator);
        var (loss, accuracy) = SequenceLearner.Loss(network, new SequenceBatch(inputs, labels));
        var last = network.call(inputs).select(1, -1);
        Assert.Equal(nn.functional.cross_entropy(last, labels).item<float>(), loss.item<float>(), 1e-6);
        Assert.Equal(last.argmax(1).eq(labels).sum().item<long>() / 6.0, accuracy, 1e-12);
    }

    /// <summary>Evaluation runs in chunks of 500 sequences; weighted by size it is the loss and accuracy of the whole set.</summary>
    [Fact]
    public void Chunked_evaluation_equals_the_whole_batch()
    {
        using var scope = NewDisposeScope();
        using var state = SequenceLearner.Init(new SequenceLearnerConfig { Model = "tanh", Hidden = 6, Inputs = 1, Outputs = 10, Device = "cpu" }, 2, CPU);
        using var generator = new Generator(9);
        var batch = new SequenceBatch(randn([1234, 7, 1], generator: generator), randint(0, 10, [1234], generator: generator));
        var metrics = SequenceLearner.Evaluate(state, batch);
        using var _ = no_grad();
        var (loss, accuracy) = SequenceLearner.Loss(state.Network, batch);
        Assert.Equal(loss.item<float>(), metrics["loss"], 1e-6);
        Assert.Equal(accuracy, metrics["accuracy"], 1e-12);
    }
}
