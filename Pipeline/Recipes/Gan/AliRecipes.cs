using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Gan.Ali;
using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Toy;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using static TorchSharp.torch;

namespace Pipeline.Recipes.Gan;

/// <summary>ALI and its GAN baseline on the ALI paper's 2-D mixture, and ALI on the real MNIST.</summary>
public static class AliRecipes
{
    const string AliPaper = "Dumoulin et al. 2017 (ALI), section 2, Algorithm 1 and the mixture experiment (gan.md 4.1, 4.2)";

    /// <summary>Held-out points for the energy distances and the reconstructions (the reference plot script's 2,500).</summary>
    const int HeldOut = 2500;

    /// <summary>
    /// Small MLPs for MNIST on a CPU: 64-d latent, Gaussian encoder 784-512-512-128, decoder 64-512-512-784 (sigmoid),
    /// both with batch norm; discriminator on concat(x, z) with 2 maxout layers of 256 units x 4 pieces and dropout
    /// 0.2; Adam 1e-4 with beta1 0.5 (the ALI image models' optimiser, gan.md 4.3).
    /// </summary>
    public static AliConfig MnistDefaults { get; } = new()
    {
        DataDim = MnistSplit.Pixels, LatentDim = 64, Encoder = "gaussian", EncoderHidden = 512, EncoderLayers = 2,
        DecoderHidden = 512, DecoderLayers = 2, DecoderOutput = "sigmoid",
        DiscriminatorHidden = 256, DiscriminatorLayers = 2, MaxoutPieces = 4, DiscriminatorDropout = 0.2, Beta1 = 0.5,
    };

    public static IReadOnlyList<IRecipe> All(string? mnistDirectory = null) =>
    [
        new Recipe<AliConfig, AliMixtureDataConfig>("ali-mixture", "ALI on the ALI paper's 25-component 2-D mixture", AliPaper,
            new AliConfig(), new AliMixtureDataConfig(), 20_000, BuildMixture<Ali, AliConfig>),
        new Recipe<BaselineGanConfig, AliMixtureDataConfig>("gan-mixture",
            "the ALI paper's GAN baseline on its 2-D mixture (ALI's decoder, a maxout discriminator on x)", AliPaper,
            new BaselineGanConfig(), new AliMixtureDataConfig(), 20_000, BuildMixture<BaselineGan, BaselineGanConfig>),
        new Recipe<AliConfig, MnistDataConfig>("ali-mnist", "ALI on the real MNIST (small MLPs): samples and reconstructions", AliPaper,
            MnistDefaults, new MnistDataConfig(), 5000, (c, d, p) => BuildMnist(c, d, p, mnistDirectory)),
    ];

    static bool EvaluateAt(RunPlan plan, long step) => step % plan.Settings.EvalEvery == 0 || step == plan.LastStep;

    /// <summary>One batch per update after the plan's start: update k (1-based) reads batch k - 1.</summary>
    static IEnumerable<AliBatch> Batches(RunPlan plan, Func<long, Tensor> batch, Device device)
    {
        for (var k = plan.StartStep + 1; k <= plan.LastStep; k++)
        {
            using var x = batch(k - 1);
            yield return new AliBatch(x.to(device).DetachFromDisposeScope());
        }
    }

    static Flow<RunEvent> BuildMixture<TAlgorithm, TConfig>(TConfig config, AliMixtureDataConfig data, RunPlan plan)
        where TAlgorithm : IAlgorithm<TConfig, AliState, AliBatch> where TConfig : AliNetworksConfig
    {
        if (config.DataDim != 2) throw new ArgumentException($"data-dim must be 2 for the mixture, not {config.DataDim}");
        var device = Devices.Resolve(config.Device);
        var sampler = plan.Own(new AliMixtureSampler(config.BatchSize, plan.Seed, data.DataSeed));
        var heldOut = plan.Own(AliMixtureSampler.Fresh(HeldOut, SeedMix.Mix(plan.Seed, 0, stream: 42)).to(device));
        var centres = plan.Own(AliMixture.Modes.CentresTensor(device));
        var trainer = AlgorithmTraining.Stage<TAlgorithm, TConfig, AliState, AliBatch>(typeof(TAlgorithm).Name.ToLowerInvariant(), config, plan, device)
            .Every(1, (state, step) => EvaluateAt(plan, step)
                ? new MetricsEvent(step, "eval", AliEvaluation.Mixture(state, heldOut, centres, AliMixture.Std, data.EvalSamples, SeedMix.Mix(plan.Seed, step, stream: 43)))
                : null);
        var source = Source.From("ali-mixture-data", () => Batches(plan, sampler.Batch, device));
        return Graph.From(source).Via(trainer.ToStage().Async(capacity: plan.Settings.Prefetch));
    }

    static Flow<RunEvent> BuildMnist(AliConfig config, MnistDataConfig data, RunPlan plan, string? mnistDirectory)
    {
        if (config.DataDim != MnistSplit.Pixels) throw new ArgumentException($"data-dim must be {MnistSplit.Pixels} for MNIST, not {config.DataDim}");
        var device = Devices.Resolve(config.Device);
        var mnist = Mnist.Load(MnistFiles.Ensure(mnistDirectory, Console.Error.WriteLine));
        var train = plan.Own(PixelsInUnitInterval(mnist.Train, data.TrainLimit > 0 ? data.TrainLimit : mnist.Train.Count));
        if (config.BatchSize > train.shape[0]) throw new ArgumentException($"batch-size {config.BatchSize} is larger than the {train.shape[0]} training images");
        using var test = PixelsInUnitInterval(mnist.Test, 1000);
        var heldOut = plan.Own(test.to(device));
        var shuffler = plan.Own(new EpochShuffler(train.shape[0], config.BatchSize, plan.Seed));

        Tensor Batch(long index)
        {
            using var rows = shuffler.Rows(index);
            return train.index_select(0, rows);
        }

        var trainer = AlgorithmTraining.Stage<Ali, AliConfig, AliState, AliBatch>("ali", config, plan, device)
            .Every(1, (state, step) => EvaluateAt(plan, step)
                ? new MetricsEvent(step, "eval", AliEvaluation.Images(state, heldOut, SeedMix.Mix(plan.Seed, step, stream: 43)))
                : null)
            // The same noise and the same test images at every evaluation, so the grids show one set evolving.
            .Every(1, (state, step) => EvaluateAt(plan, step)
                ? new FileEvent(step, $"samples/step-{step:D7}.png", AliGrids.Samples(state, SeedMix.Mix(plan.Seed, 0, stream: 44)))
                : null)
            .Every(1, (state, step) => EvaluateAt(plan, step)
                ? new FileEvent(step, $"reconstructions/step-{step:D7}.png", AliGrids.Reconstructions(state, heldOut, SeedMix.Mix(plan.Seed, 0, stream: 45)))
                : null);
        var source = Source.From("mnist-real", () => Batches(plan, Batch, device));
        return Graph.From(source).Via(trainer.ToStage().Async(capacity: plan.Settings.Prefetch));
    }

    /// <summary>The first <paramref name="count"/> images as N x 784 float32 in [0, 1].</summary>
    static Tensor PixelsInUnitInterval(MnistSplit split, int count)
    {
        using var raw = tensor(split.Images.AsSpan(0, count * MnistSplit.Pixels).ToArray(), [count, MnistSplit.Pixels], dtype: ScalarType.Byte);
        return raw.to_type(ScalarType.Float32).div_(Scalars.Of(255));
    }
}
