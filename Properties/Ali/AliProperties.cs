using FsCheck.Xunit;
using Pipeline.Algorithms.Gan.Ali;
using Pipeline.Algorithms.Optim;
using Pipeline.Environments.Data.Toy;
using Xunit;
using static TorchSharp.torch;
using AliAlgorithm = Pipeline.Algorithms.Gan.Ali.Ali;

namespace Pipeline.Properties.Ali;

public class AliProperties
{
    /// <summary>Small networks of the mixture's shape, fast enough for property tests.</summary>
    public static AliConfig Small(string encoder = "noise-input") => new()
    {
        Encoder = encoder, EncoderHidden = 16, DecoderHidden = 16, DecoderLayers = 2, DiscriminatorHidden = 8, DiscriminatorLayers = 2,
        MaxoutPieces = 3, BatchSize = 32, Device = "cpu",
    };

    static AliBatch Batch(int index)
    {
        using var generator = new Generator((ulong)(1000 + index));
        return new AliBatch(AliMixture.Draw(32, generator));
    }

    static AliState Clone(AliConfig config, AliState state) => AliAlgorithm.Load(config, AliAlgorithm.Save(state), CPU);

    static float[] Flat(IEnumerable<Tensor> tensors) => tensors.SelectMany(t => t.to_type(ScalarType.Float32).data<float>().ToArray()).ToArray();

    /// <summary>
    /// The generator's step is taken from its gradient at the parameters the discriminator had before its own step
    /// (gan.md 4.5): with a learning rate large enough that the discriminator's step changes that gradient, the
    /// update moves every generator parameter by Adam's first step on the gradient taken before, -lr g / (|g| + eps),
    /// and not by the step on the gradient taken after.
    /// </summary>
    [Theory]
    [InlineData("noise-input")]
    [InlineData("gaussian")]
    public void The_generator_gradient_is_taken_before_the_discriminator_steps(string encoder)
    {
        var config = Small(encoder) with { LearningRate = 0.05 };
        using var batch = Batch(0);
        using var state = AliAlgorithm.Init(config, 7, CPU);
        using var before = Clone(config, state);
        using var sequential = Clone(config, state);
        var parameters = Flat(state.GeneratorParameters);

        using var simultaneous = SimultaneousUpdate.Gradients(before, batch.X);
        using var randomState = sequential.Random.get_state();
        using (var first = SimultaneousUpdate.Gradients(sequential, batch.X))
        {
            for (var i = 0; i < first.Discriminator.Count; i++) sequential.DiscriminatorParameters[i].grad = first.Discriminator[i];
            Adam.Update(sequential.AdamSettings, sequential.DiscriminatorAdam, sequential.DiscriminatorParameters);
        }
        sequential.Random.set_state(randomState); // the same eps and z, now against the stepped discriminator
        using var afterDiscriminatorStep = SimultaneousUpdate.Gradients(sequential, batch.X);

        var updated = Flat(AliAlgorithm.Update(state, batch).State.GeneratorParameters);
        double[] Expected(PlayerGradients g) => Flat(g.Generator).Select(v => -config.LearningRate * v / (Math.Abs(v) + 1e-8)).ToArray();
        var moved = updated.Zip(parameters, (a, b) => (double)a - b).ToArray();
        var fromBefore = moved.Zip(Expected(simultaneous), (m, e) => Math.Abs(m - e)).Max();
        var fromAfter = moved.Zip(Expected(afterDiscriminatorStep), (m, e) => Math.Abs(m - e)).Max();
        Assert.True(fromBefore < 1e-5, $"the generator moved {fromBefore:G3} away from the step on the gradient taken before the discriminator's step");
        Assert.True(fromAfter > 1e-2, $"the discriminator's step should change the generator gradient (max difference {fromAfter:G3})");
    }

    /// <summary>z = G_z(x) is reparameterised: the discriminator's verdict on (x, z) sends gradient into the encoder.</summary>
    [Theory]
    [InlineData("noise-input")]
    [InlineData("gaussian")]
    public void Gradients_reach_the_encoder_through_its_sample(string encoder)
    {
        using var state = AliAlgorithm.Init(Small(encoder), 3, CPU);
        using var batch = Batch(1);
        using var gradients = SimultaneousUpdate.Gradients(state, batch.X);
        var encoderCount = state.Encoder!.parameters().Count();
        Assert.True(SimultaneousUpdate.Norm(gradients.Generator.Take(encoderCount).ToList()) > 0);
        Assert.True(SimultaneousUpdate.Norm(gradients.Generator.Skip(encoderCount).ToList()) > 0);
        Assert.True(SimultaneousUpdate.Norm(gradients.Discriminator) > 0);
    }

    static (double[] Metrics, float[] Parameters, float[] Buffers) Run(AliState state, int first, int updates)
    {
        double[] metrics = [];
        for (var i = first; i < first + updates; i++)
        {
            using var batch = Batch(i);
            var step = AliAlgorithm.Update(state, batch);
            metrics = step.Metrics.Select(m => m.Value).ToArray();
        }
        return (metrics, Flat(state.GeneratorParameters.Concat(state.DiscriminatorParameters)), Flat(state.Encoder!.buffers().Concat(state.Decoder.buffers())));
    }

    [Property(MaxTest = 6)]
    public bool Updates_are_deterministic_for_a_seed(ushort seed, bool gaussian)
    {
        var config = Small(gaussian ? "gaussian" : "noise-input") with { DiscriminatorDropout = 0.2 };
        using var a = AliAlgorithm.Init(config, seed, CPU);
        using var b = AliAlgorithm.Init(config, seed, CPU);
        using var c = AliAlgorithm.Init(config, seed + 1, CPU);
        var (ra, rb, rc) = (Run(a, 0, 3), Run(b, 0, 3), Run(c, 0, 3));
        return ra.Metrics.SequenceEqual(rb.Metrics) && ra.Parameters.SequenceEqual(rb.Parameters) && ra.Buffers.SequenceEqual(rb.Buffers)
            && !ra.Parameters.SequenceEqual(rc.Parameters);
    }

    /// <summary>Save after k updates, load, continue: bit for bit the uninterrupted run, batch-norm statistics and dropout masks included.</summary>
    [Property(MaxTest = 4)]
    public bool Save_and_load_continue_bit_identically(ushort seed, bool gaussian)
    {
        var config = Small(gaussian ? "gaussian" : "noise-input") with { DiscriminatorDropout = 0.2 };
        using var whole = AliAlgorithm.Init(config, seed, CPU);
        Run(whole, 0, 2);
        using var resumed = Clone(config, whole);
        var restored = Flat(resumed.Encoder!.buffers().Concat(resumed.Decoder.buffers())).SequenceEqual(Flat(whole.Encoder!.buffers().Concat(whole.Decoder.buffers())));
        var (a, b) = (Run(whole, 2, 2), Run(resumed, 2, 2));
        return restored && resumed.Steps == 4 && a.Metrics.SequenceEqual(b.Metrics) && a.Parameters.SequenceEqual(b.Parameters) && a.Buffers.SequenceEqual(b.Buffers);
    }

    [Fact]
    public void Batch_norm_population_statistics_move_in_training_and_are_used_in_evaluation()
    {
        using var state = AliAlgorithm.Init(Small(), 5, CPU);
        var initial = Flat(state.Decoder.buffers());
        using var first = AliInference.Sample(state, 50, 9);
        Assert.Equal(initial, Flat(state.Decoder.buffers()));
        Run(state, 0, 2);
        Assert.NotEqual(initial, Flat(state.Decoder.buffers()));
        using var again = AliInference.Sample(state, 50, 9);
        using var same = AliInference.Sample(state, 50, 9);
        Assert.True(again.eq(same).all().item<bool>());
        Assert.True(state.Decoder.training && state.Encoder!.training);
    }

    [Fact]
    public void The_GAN_baseline_has_no_encoder_and_a_discriminator_on_x_alone()
    {
        var config = new BaselineGanConfig { DecoderHidden = 16, DecoderLayers = 2, DiscriminatorHidden = 8, DiscriminatorLayers = 2, BatchSize = 32, Device = "cpu" };
        using var state = BaselineGan.Init(config, 1, CPU);
        Assert.Null(state.Encoder);
        Assert.Equal(config.DataDim * config.DiscriminatorHidden * config.MaxoutPieces, state.DiscriminatorParameters[0].numel());
        using var batch = Batch(0);
        var metrics = BaselineGan.Update(state, batch).Metrics;
        Assert.Equal(["discriminator_loss", "generator_loss", "d_real", "d_fake", "discriminator_grad_norm", "generator_grad_norm"], metrics.Select(m => m.Key));
        Assert.Throws<InvalidOperationException>(() => AliInference.Encode(state, batch.X, 0));
    }

    /// <summary>Bad data is refused before it reaches a network, naming the argument.</summary>
    [Fact]
    public void Bad_data_is_refused_naming_the_argument()
    {
        using var state = AliAlgorithm.Init(Small(), 1, CPU);
        using var wide = zeros(8, 3);
        using var nan = full(8, 2, double.NaN, dtype: ScalarType.Float32);
        using var one = zeros(1, 2);
        using var empty = zeros(0, 2);
        using var vector = zeros(8);
        void Refused(Action act, string argument, string words)
        {
            var error = Assert.ThrowsAny<ArgumentException>(act);
            Assert.Equal(argument, error.ParamName);
            Assert.Contains(words, error.Message);
        }
        Refused(() => AliAlgorithm.Update(state, new AliBatch(wide.alias())), "x", "[8, 3]");
        Refused(() => AliAlgorithm.Update(state, new AliBatch(vector.alias())), "x", "expected [rows, 2]");
        Refused(() => AliAlgorithm.Update(state, new AliBatch(nan.alias())), "x", "NaN");
        Refused(() => AliAlgorithm.Update(state, new AliBatch(one.alias())), "x", "at least 2");
        Refused(() => AliInference.Encode(state, wide, 0), "x", "[8, 3]");
        Refused(() => AliInference.Encode(state, empty, 0), "x", "at least 1");
        Refused(() => AliInference.Decode(state, wide), "z", "[8, 3]");
        Refused(() => AliInference.Sample(state, 0, 0), "count", "at least one");
        Refused(() => NearestCentreCoverage.Modes(wide, AliMixture.Modes.CentresTensor()), "samples", "one width");
        Refused(() => NearestCentreCoverage.Modes(empty, AliMixture.Modes.CentresTensor()), "samples", "no samples");
        Assert.Equal(0, state.Steps);
    }
}
