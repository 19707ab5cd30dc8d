using System.Diagnostics;
using System.Globalization;
using System.Text;
using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.SaddleFree.Autoencoder;
using Pipeline.Environments.Data;
using Pipeline.Stages.Checkpoints;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using static TorchSharp.torch;

namespace Pipeline.Recipes.SaddleFree;

/// <summary>The MNIST subset the autoencoder trains and is measured on, and where it starts.</summary>
public sealed record AutoencoderDataConfig : IConfig<AutoencoderDataConfig>
{
    [Param("training images (the first N of MNIST's 60,000)", Min = 100, Max = 60000)]
    public int TrainLimit { get; init; } = 10000;

    [Param("training images the training error is measured on at each evaluation (the first N of the training subset)", Min = 1, Max = 60000)]
    public int EvalExamples { get; init; } = 2000;

    [Param("test images the test error is measured on", Min = 1, Max = 10000)]
    public int TestExamples { get; init; } = 2000;

    [Param("Lanczos steps of the lambda_min probe at each evaluation (0: no probe)", Min = 0, Max = 1000)]
    public int ProbeDimension { get; init; } = 20;

    [Param("training images the lambda_min probe's Hessian is taken on", Min = 1, Max = 60000)]
    public int ProbeExamples { get; init; } = 1000;

    [Param("start from the weights of this checkpoint file or run directory (its newest checkpoint), with a fresh optimizer; empty: random initialisation")]
    public string StartFrom { get; init; } = "";

    public Validation<Error, AutoencoderDataConfig> Validate() => ConfigRules.Check(this,
        (EvalExamples <= TrainLimit, $"eval-examples = {EvalExamples} exceeds train-limit = {TrainLimit}"),
        (ProbeExamples <= TrainLimit, $"probe-examples = {ProbeExamples} exceeds train-limit = {TrainLimit}"),
        (StartFrom.Length == 0 || File.Exists(StartFrom) || Directory.Exists(StartFrom), $"start-from = '{StartFrom}' is neither a checkpoint file nor a run directory"));
}

/// <summary>
/// <c>sfn-autoencoder</c>: the deep autoencoder on the real MNIST (Dauphin et al. 2014, section 6, at a CPU scale) with
/// any optimizer. Evaluations log the training error on a fixed training subset, the test error, the extreme Ritz
/// values of a fixed-batch Hessian (the lambda_min probe) and the work done (gradients, products);
/// <c>timing.csv</c> holds the training seconds (evaluations excluded) at each evaluation, kept out of metrics.jsonl
/// so that file stays byte-identical between runs of the same seed.
/// </summary>
public static class AutoencoderRecipe
{
    public static Recipe<AutoencoderConfig, AutoencoderDataConfig> Create(string? mnistDirectory = null) => new(
        "sfn-autoencoder",
        "deep MNIST autoencoder (784-128-64-32-8 and back) with MSGD, Adam, saddle-free or damped Newton; start-from continues another run",
        SaddleRecipe.Paper,
        new AutoencoderConfig(),
        new AutoencoderDataConfig(),
        defaultSteps: 2000,
        (config, data, plan) => Build(config, data, plan, mnistDirectory));

    static Flow<RunEvent> Build(AutoencoderConfig config, AutoencoderDataConfig data, RunPlan plan, string? mnistDirectory)
    {
        var device = Devices.Resolve(config.Device);
        if (config.BatchSize > data.TrainLimit)
            throw new ArgumentException($"batch-size {config.BatchSize} is larger than the {data.TrainLimit} training images");
        var mnist = Mnist.Load(MnistFiles.Ensure(mnistDirectory, Console.Error.WriteLine));
        var train = plan.Own(Pixels(mnist.Train, data.TrainLimit, device));
        var evaluation = plan.Own(train.narrow(0, 0, data.EvalExamples));
        var probe = plan.Own(train.narrow(0, 0, data.ProbeExamples));
        var test = plan.Own(Pixels(mnist.Test, data.TestExamples, device));
        var shuffler = plan.Own(new EpochShuffler(data.TrainLimit, config.BatchSize, plan.Seed));
        var start = data.StartFrom.Length == 0 ? null : StartingWeights(data.StartFrom);

        IEnumerable<ImageBatch> Batches()
        {
            for (var step = plan.StartStep + 1; step <= plan.LastStep; step++)
            {
                using var rows = shuffler.Rows(step - 1);
                yield return new ImageBatch(train.index_select(0, rows).DetachFromDisposeScope());
            }
        }

        var clock = Stopwatch.StartNew();
        var (trainingSeconds, lastMark, timing) = (0.0, 0.0, new StringBuilder("step,train_seconds\n"));
        var trainer = Train.Stage<ImageBatch, AutoencoderState>(
                "autoencoder",
                () => plan.Resume is { } payload ? new TrainStart<AutoencoderState>(AutoencoderTraining.Load(config, payload, device), plan.StartStep)
                    : start is not null ? new TrainStart<AutoencoderState>(AutoencoderTraining.InitFrom(config, plan.Seed, device, start), 0)
                    : new TrainStart<AutoencoderState>(AutoencoderTraining.Init(config, plan.Seed, device), 0),
                (state, batch) => AutoencoderTraining.Update(state, batch))
            .Every(plan.Settings.CheckpointEvery, (state, step) => new CheckpointEvent(step, AutoencoderTraining.Save(state)), atEnd: true)
            .Every(1, (state, step) =>
            {
                if (step % plan.Settings.EvalEvery != 0 && step != plan.LastStep) return null;
                trainingSeconds += clock.Elapsed.TotalSeconds - lastMark;
                timing.Append(CultureInfo.InvariantCulture, $"{step},{trainingSeconds:F3}\n");
                var metrics = new List<(string, double)>
                {
                    ("train_error", AutoencoderTraining.Evaluate(state, evaluation)),
                    ("test_error", AutoencoderTraining.Evaluate(state, test)),
                    ("gradient_evaluations", state.Optimizer.Gradients),
                    ("hvps_total", state.Optimizer.Products),
                };
                if (data.ProbeDimension > 0)
                {
                    // The same probe direction at every evaluation and in every run of this seed: comparable curves.
                    var (min, max) = AutoencoderTraining.CurvatureProbe(state, probe, data.ProbeDimension, SeedMix.Mix(plan.Seed, 0, stream: 11));
                    metrics.Add(("lambda_min", min));
                    metrics.Add(("lambda_max", max));
                }
                lastMark = clock.Elapsed.TotalSeconds;
                return new MetricsEvent(step, "eval", Metrics.Of([.. metrics]));
            })
            .Every(1, (state, step) => step % plan.Settings.EvalEvery != 0 && step != plan.LastStep ? null
                : new FileEvent(step, "timing.csv", Encoding.UTF8.GetBytes(timing.ToString())));

        return Graph.From(Source.From("mnist-images", Batches))
            .Via(trainer.ToStage().Async(capacity: plan.Settings.Prefetch));
    }

    /// <summary>The checkpoint payload at <paramref name="path"/>: a checkpoint file, or a run directory's newest checkpoint.</summary>
    static byte[] StartingWeights(string path) =>
        Directory.Exists(path)
            ? (new CheckpointStore(Path.Combine(path, "checkpoints")).Latest()
               ?? throw new ArgumentException($"start-from = '{path}' holds no checkpoint")).Payload
            : CheckpointStore.Read(path).Payload;

    /// <summary>The first <paramref name="count"/> images as N x 784 float32 in [0, 1].</summary>
    static Tensor Pixels(MnistSplit split, int count, Device device)
    {
        using var scope = NewDisposeScope();
        var raw = tensor(split.Images.AsSpan(0, count * MnistSplit.Pixels).ToArray(), [count, MnistSplit.Pixels], dtype: ScalarType.Byte);
        return raw.to_type(ScalarType.Float32).div_(Scalars.Of(255)).to(device).MoveToOuterDisposeScope();
    }
}
