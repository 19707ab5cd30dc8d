using FsCheck.Xunit;
using Pipeline.Algorithms.Irm;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Irm;

/// <summary>The reference MLP, the training step and its checkpoints (irm_ngu.md 1.5).</summary>
public class IrmAlgorithmProperties
{
    /// <summary>N random two-channel images of C x side x side with one channel zeroed per image, its colour and 0/1 labels.</summary>
    static (Tensor Images, Tensor Colors, Tensor Labels) ColoredImages(Generator generator, int n, int side, ScalarType dtype)
    {
        var colors = randint(0, 2, [n], generator: generator);
        var keep = nn.functional.one_hot(colors, 2).to_type(dtype).view(n, 2, 1, 1);
        var images = rand([n, 2, side, side], dtype: dtype, generator: generator).mul_(keep);
        var labels = rand([n, 1], dtype: dtype, generator: generator).lt(0.5).to_type(dtype);
        return (images, colors, labels);
    }

    static IrmEnvironment Environment(Generator generator, int n, int side = 14)
    {
        var (images, colors, labels) = ColoredImages(generator, n, side, ScalarType.Float32);
        return IrmEnvironment.FromColoredImages(images, colors, labels);
    }

    [Property(MaxTest = 20)]
    public bool The_colour_split_forward_equals_the_dense_forward_on_the_two_channel_images(int seed, bool grayscale)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        const int n = 40, side = 4, width = 7;
        var (images, colors, labels) = ColoredImages(generator, n, side, ScalarType.Float64);
        using var model = new IrmMlp(2, side * side, width, grayscale, generator, CPU);
        model.to(ScalarType.Float64);
        using var environment = IrmEnvironment.FromColoredImages(images, colors, labels);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        // The reference forward: flatten both channels (or sum them for the grayscale oracle), then the three layers.
        var x = grayscale ? images.view(n, 2, -1).sum(1) : images.view(n, -1);
        var dense = nn.functional.linear(
            nn.functional.linear(nn.functional.linear(x, p["input.weight"], p["input.bias"]).relu(), p["hidden.weight"], p["hidden.bias"]).relu(),
            p["output.weight"], p["output.bias"]);
        var order = cat([colors.eq(0).nonzero().view(-1), colors.eq(1).nonzero().view(-1)]);
        using var _ = no_grad();
        return allclose(model.call(environment), dense.index_select(0, order), rtol: 1e-12, atol: 1e-14)
            && Tensors.Same(environment.Labels, labels.index_select(0, order));
    }

    [Fact]
    public void Weights_are_xavier_uniform_and_biases_zero()
    {
        using var generator = new Generator(1);
        using var model = new IrmMlp(2, 196, 390, false, generator, CPU);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith("bias", StringComparison.Ordinal))
            {
                Assert.Equal(0, parameter.abs().sum().item<float>());
                continue;
            }
            var bound = Math.Sqrt(6.0 / (parameter.shape[1] + parameter.shape[0]));
            Assert.True(parameter.abs().max().item<float>() <= bound, name);
            // U(-a, a) has variance a²/3; with at least 390 draws the sample variance is within 20%.
            Assert.InRange(parameter.square().mean().item<float>(), 0.8 * bound * bound / 3, 1.2 * bound * bound / 3);
        }
    }

    [Fact]
    public void The_bfloat16_forward_is_close_to_the_float32_forward_and_trains_float32_parameters()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(8);
        using var environment = Environment(generator, 200);
        using var exact = new IrmMlp(2, 196, 64, false, new Generator(1), CPU);
        using var mixed = new IrmMlp(2, 196, 64, false, new Generator(1), CPU, ScalarType.BFloat16);
        var reference = exact.call(environment).detach();
        var logits = mixed.call(environment);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        // bfloat16 keeps 8 significant bits (relative rounding 2^-9 per factor): the logits stay within 3% of their scale.
        var error = logits.detach().sub(reference).abs().max().item<float>();
        Assert.InRange(error, 1e-7f, 0.03f * reference.abs().max().item<float>());
        logits.sum().backward();
        Assert.All(mixed.parameters(), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
    }

    static IrmConfig Small(string penalty = IrmConfig.ClosedForm) =>
        new() { Hidden = 16, PenaltyAnnealIters = 2, PenaltyWeight = 1000, Penalty = penalty, LearningRate = 0.01, Device = "cpu" };

    static IrmBatch Batch(Generator generator) => new([Environment(generator, 60), Environment(generator, 50)], Environment(generator, 30));

    [Fact]
    public void Closed_form_and_double_backward_take_the_same_steps_and_the_unbiased_penalty_is_seeded()
    {
        using var generator = new Generator(3);
        var batch = Batch(generator);
        float[] Train(string penalty, int seed)
        {
            using var state = InvariantRiskMinimization.Init(Small(penalty), seed, CPU);
            for (var i = 0; i < 4; i++) InvariantRiskMinimization.Update(state, batch);
            return state.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }
        var closed = Train(IrmConfig.ClosedForm, 7);
        var autograd = Train(IrmConfig.DoubleBackward, 7);
        Assert.All(Enumerable.Zip(closed, autograd), x => Assert.Equal(x.First, x.Second, 1e-5f));
        Assert.Equal(Train(IrmConfig.Unbiased, 7), Train(IrmConfig.Unbiased, 7));
        Assert.NotEqual(closed, Train(IrmConfig.Unbiased, 7));
    }

    [Fact]
    public void After_annealing_the_loss_is_the_reference_objective_divided_by_the_penalty_weight()
    {
        using var generator = new Generator(4);
        var batch = Batch(generator);
        var config = Small();
        using var state = InvariantRiskMinimization.Init(config, 1, CPU);
        for (var step = 0; step < 4; step++)
        {
            var environments = batch.Train.Select(e => InvariantRiskMinimization.Evaluate(state.Model, e)).ToList();
            var nll = environments.Average(m => m["nll"]);
            var penalty = environments.Average(m => m["penalty"]);
            var norm = state.Model.parameters().Sum(p => p.square().sum().item<float>());
            var weight = step < 2 ? 1.0 : 1000.0;
            var expected = (nll + config.L2Weight * norm + weight * penalty) / weight;
            var metrics = InvariantRiskMinimization.Update(state, batch).Metrics;
            Assert.Equal(weight, metrics["penalty_weight"]);
            Assert.Equal(expected, metrics["loss"], 1e-4 * Math.Max(1, expected));
            Assert.Equal(nll, metrics["nll"], 1e-5);
            Assert.Equal(environments.Average(m => m["acc"]), metrics["acc"], 1e-12);
        }
    }

    [Fact]
    public void The_test_environment_is_evaluated_only_when_the_batch_carries_it()
    {
        using var generator = new Generator(5);
        var batch = Batch(generator);
        using var state = InvariantRiskMinimization.Init(Small(), 1, CPU);
        var expected = InvariantRiskMinimization.Evaluate(state.Model, batch.Test!);
        var withTest = InvariantRiskMinimization.Update(state, batch).Metrics;
        Assert.Equal(expected["acc"], withTest["test_acc"]);
        var without = InvariantRiskMinimization.Update(state, batch with { Test = null }).Metrics;
        Assert.DoesNotContain(without, m => m.Key.StartsWith("test_", StringComparison.Ordinal));
    }

    [Fact]
    public void Save_then_load_continues_bit_for_bit()
    {
        using var generator = new Generator(6);
        var batch = Batch(generator);
        var config = Small(IrmConfig.Unbiased);
        using var whole = InvariantRiskMinimization.Init(config, 9, CPU);
        for (var i = 0; i < 3; i++) InvariantRiskMinimization.Update(whole, batch);
        using var resumed = InvariantRiskMinimization.Load(config, InvariantRiskMinimization.Save(whole), CPU);
        for (var i = 0; i < 3; i++)
        {
            var a = InvariantRiskMinimization.Update(whole, batch).Metrics;
            var b = InvariantRiskMinimization.Update(resumed, batch).Metrics;
            Assert.Equal(a.Select(m => m.Value), b.Select(m => m.Value));
        }
        Assert.All(Enumerable.Zip(whole.Model.parameters(), resumed.Model.parameters()), x => Assert.True(Tensors.Same(x.First, x.Second)));
    }
}
