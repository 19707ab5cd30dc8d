using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Divergences;
using Pipeline.Algorithms.Gan;
using Pipeline.Algorithms.Geometry;
using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Toy;
using Pipeline.Reports;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Recipes.Gan;

/// <summary>GAN, WGAN and WGAN-GP on the toy sets and on the real MNIST, one recipe each.</summary>
public static class GanRecipes
{
    const string WganPaper = "Arjovsky, Chintala, Bottou 2017 (WGAN), Algorithm 1";
    const string WganGpPaper = "Gulrajani et al. 2017 (WGAN-GP), Algorithm 1";
    const string GanPaper = "Goodfellow et al. 2014; Arjovsky and Bottou 2017 (Towards Principled Methods), section 3";

    /// <summary>The toy code's networks: 2-D noise, three hidden layers of 512, batch 256 (gan.md 2.2, 2.4).</summary>
    static T Toy<T>(T config) where T : AdversarialConfig => config with { NoiseDim = 2, DataDim = 2, Hidden = 512, HiddenLayers = 3, BatchSize = 256 };

    /// <summary>Small MLPs for MNIST on a CPU: 128-d noise, two hidden layers of 512, sigmoid output, batch 50 (GP code's MNIST batch).</summary>
    static T Mnist<T>(T config) where T : AdversarialConfig => config with
    {
        NoiseDim = 128, DataDim = MnistSplit.Pixels, Hidden = 512, HiddenLayers = 2, BatchSize = 50, GeneratorOutput = "sigmoid",
    };

    public static IReadOnlyList<IRecipe> All(string? mnistDirectory = null) =>
    [
        new Recipe<GanConfig, ToyDataConfig>("gan-toy", "original GAN (optional instance noise) on a 2-D toy set", GanPaper,
            Toy(new GanConfig()), new ToyDataConfig(), 5000, BuildToy<Algorithms.Gan.Gan, GanConfig>),
        new Recipe<WganConfig, ToyDataConfig>("wgan-toy", "WGAN with weight clipping on a 2-D toy set", WganPaper,
            Toy(new WganConfig()), new ToyDataConfig(), 5000, BuildToy<Wgan, WganConfig>),
        new Recipe<WganGpConfig, ToyDataConfig>("wgan-gp-toy", "WGAN-GP on a 2-D toy set (the paper's toy experiment)", WganGpPaper,
            Toy(new WganGpConfig()), new ToyDataConfig(), 5000, BuildToy<WganGp, WganGpConfig>),
        new Recipe<CriterionGeneratorConfig, ToyDataConfig>("criterion-toy", "a generator trained by energy distance, MMD or sliced W1 on a 2-D toy set (no critic)",
            "Bottou, Arjovsky, Lopez-Paz, Oquab 2018 (Geometrical Insights for Implicit Generative Modeling)",
            Toy(new CriterionGeneratorConfig()), new ToyDataConfig(), 5000, BuildToy<CriterionGenerator, CriterionGeneratorConfig>),
        new Recipe<GanConfig, MnistDataConfig>("gan-mnist", "original GAN on the real MNIST (MLPs)", GanPaper,
            Mnist(new GanConfig()), new MnistDataConfig(), 3000, (c, d, p) => BuildMnist<Algorithms.Gan.Gan, GanConfig>(c, d, p, mnistDirectory)),
        new Recipe<WganConfig, MnistDataConfig>("wgan-mnist", "WGAN with weight clipping on the real MNIST (MLPs)", WganPaper,
            Mnist(new WganConfig()), new MnistDataConfig(), 3000, (c, d, p) => BuildMnist<Wgan, WganConfig>(c, d, p, mnistDirectory)),
        new Recipe<WganGpConfig, MnistDataConfig>("wgan-gp-mnist", "WGAN-GP on the real MNIST (MLPs)", WganGpPaper,
            Mnist(new WganGpConfig()), new MnistDataConfig(), 3000, (c, d, p) => BuildMnist<WganGp, WganGpConfig>(c, d, p, mnistDirectory)),
    ];

    /// <summary>Real batches for generator steps after <paramref name="plan"/>'s start, sized by the config's critic schedule.</summary>
    static IEnumerable<GanBatch> Batches(AdversarialConfig config, RunPlan plan, Func<long, int, Tensor> realBatches, Device device)
    {
        long next = 0; // the global index of the next real batch: one per critic step since step 1
        for (var k = 1L; k <= plan.StartStep; k++) next += config.CriticStepsAt(k);
        for (var k = plan.StartStep + 1; k <= plan.LastStep; k++)
        {
            var n = config.CriticStepsAt(k);
            using var real = realBatches(next, n);
            next += n;
            yield return new GanBatch(real.to(device).DetachFromDisposeScope());
        }
    }

    static TrainStage<GanBatch, AdversarialState> Trainer<TAlgorithm, TConfig>(string name, TConfig config, RunPlan plan, Device device)
        where TAlgorithm : IAlgorithm<TConfig, AdversarialState, GanBatch> where TConfig : AdversarialConfig =>
        AlgorithmTraining.Stage<TAlgorithm, TConfig, AdversarialState, GanBatch>(name, config, plan, device);

    static bool EvaluateAt(RunPlan plan, long step) => step % plan.Settings.EvalEvery == 0 || step == plan.LastStep;

    static Flow<RunEvent> BuildToy<TAlgorithm, TConfig>(TConfig config, ToyDataConfig data, RunPlan plan)
        where TAlgorithm : IAlgorithm<TConfig, AdversarialState, GanBatch> where TConfig : AdversarialConfig
    {
        if (config.DataDim != 2) throw new ArgumentException($"data-dim must be 2 for the toy sets, not {config.DataDim}");
        var device = Devices.Resolve(config.Device);
        var sampler = plan.Own(new ToySampler(data.Kind, config.BatchSize, plan.Seed));
        var heldOut = plan.Own(ToySampler.Fresh(data.Kind, data.EvalSamples, SeedMix.Mix(plan.Seed, 0, stream: 7)).to(device));
        var modes = ToyDatasets.Modes(data.Kind);
        var centres = modes is null ? null : plan.Own(modes.CentresTensor(device));

        var trainer = Trainer<TAlgorithm, TConfig>(typeof(TAlgorithm).Name.ToLowerInvariant(), config, plan, device)
            .Every(1, (state, step) =>
            {
                if (!EvaluateAt(plan, step)) return null;
                using var samples = GanSampling.Sample(state, data.EvalSamples, SeedMix.Mix(plan.Seed, step, stream: 8));
                var metrics = new List<(string, double)> { ("energy_distance", EnergyDistance.VStatistic(samples, heldOut)) };
                if (modes is not null)
                {
                    var coverage = ModeMetrics.Compute(samples, centres!, modes.Std);
                    metrics.Add(("modes", coverage.Modes));
                    metrics.Add(("high_quality", coverage.HighQuality));
                }
                return new MetricsEvent(step, "eval", Metrics.Of([.. metrics]));
            });
        var source = Source.From("toy-data", () => Batches(config, plan, sampler.Batches, device));
        return Graph.From(source).Via(trainer.ToStage().Async(capacity: plan.Settings.Prefetch));
    }

    static Flow<RunEvent> BuildMnist<TAlgorithm, TConfig>(TConfig config, MnistDataConfig data, RunPlan plan, string? mnistDirectory)
        where TAlgorithm : IAlgorithm<TConfig, AdversarialState, GanBatch> where TConfig : AdversarialConfig
    {
        if (config.DataDim != MnistSplit.Pixels) throw new ArgumentException($"data-dim must be {MnistSplit.Pixels} for MNIST, not {config.DataDim}");
        var device = Devices.Resolve(config.Device);
        var mnist = Environments.Data.Mnist.Load(MnistFiles.Ensure(mnistDirectory, Console.Error.WriteLine));
        var train = plan.Own(PixelsInUnitInterval(mnist.Train, data.TrainLimit > 0 ? data.TrainLimit : mnist.Train.Count));
        using var testAll = PixelsInUnitInterval(mnist.Test, 1000);
        var heldOut = plan.Own(testAll.to(device));
        var shuffler = plan.Own(new EpochShuffler(train.shape[0], config.BatchSize, plan.Seed));

        Tensor RealBatches(long first, int count)
        {
            using var scope = NewDisposeScope();
            return stack(Enumerable.Range(0, count).Select(i => train.index_select(0, shuffler.Rows(first + i))).ToArray()).MoveToOuterDisposeScope();
        }

        var trainer = Trainer<TAlgorithm, TConfig>(typeof(TAlgorithm).Name.ToLowerInvariant(), config, plan, device)
            .Every(1, (state, step) =>
            {
                if (!EvaluateAt(plan, step)) return null;
                using var samples = GanSampling.Sample(state, heldOut.shape[0], SeedMix.Mix(plan.Seed, step, stream: 8));
                using var realScores = GanSampling.CriticValues(state, heldOut);
                using var fakeScores = GanSampling.CriticValues(state, samples);
                return new MetricsEvent(step, "eval", Metrics.Of(
                    ("energy_distance", EnergyDistance.VStatistic(samples, heldOut)),
                    ("critic_gap", realScores.mean().item<float>() - fakeScores.mean().item<float>())));
            })
            .Every(1, (state, step) =>
            {
                if (!EvaluateAt(plan, step)) return null;
                // The same 64 noise vectors at every evaluation, so the grids show one set of samples evolving.
                using var grid = GanSampling.Sample(state, 64, SeedMix.Mix(plan.Seed, 0, stream: 9));
                var pixels = grid.cpu().data<float>().ToArray();
                return new FileEvent(step, $"samples/step-{step:D7}.png", Png.Grid(pixels, 64, MnistSplit.Side, 8));
            });
        var source = Source.From("mnist-real", () => Batches(config, plan, RealBatches, device));
        return Graph.From(source).Via(trainer.ToStage().Async(capacity: plan.Settings.Prefetch));
    }

    /// <summary>The first <paramref name="count"/> images as N x 784 float32 in [0, 1] (the GP code's MNIST scaling).</summary>
    static Tensor PixelsInUnitInterval(MnistSplit split, int count)
    {
        using var raw = tensor(split.Images.AsSpan(0, count * MnistSplit.Pixels).ToArray(), [count, MnistSplit.Pixels], dtype: ScalarType.Byte);
        return raw.to_type(ScalarType.Float32).div_(Algorithms.Core.Scalars.Of(255));
    }
}
