using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Urnn;
using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Sequences;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using TorchSharp;

namespace Pipeline.Recipes.Urnn;

/// <summary>Which pixel-MNIST task: the pixel order, the image side and how much of the real MNIST is used.</summary>
public sealed record PixelMnistDataConfig : IConfig<PixelMnistDataConfig>
{
    [Param("read the pixels in one fixed random order (the permuted task) instead of row-major")]
    public bool Permuted { get; init; }

    [Param("seed of the fixed pixel order of the permuted task", Min = 0)]
    public int PermutationSeed { get; init; } = 92916;

    [Param("image side after average pooling: 28 (the paper, 784 steps), 14 (196) or 7 (49, quick CPU runs)", Min = 7, Max = 28)]
    public int Side { get; init; } = 28;

    [Param("training images used, the first ones (0: all 60,000)", Min = 0, Max = 60000)]
    public int TrainLimit { get; init; }

    [Param("test images evaluated at every evaluation, the first ones (0: all 10,000)", Min = 0, Max = 10000)]
    public int EvalSequences { get; init; } = 1000;

    public Validation<Error, PixelMnistDataConfig> Validate() => ConfigRules.Check(this,
        (PixelMnist.Sides.Contains(Side), $"side {Side} is not one of {string.Join(", ", PixelMnist.Sides)}"));
}

public static partial class UrnnRecipes
{
    /// <summary>Pixel-by-pixel (or permuted) MNIST, real data; uRNN section 5.3.</summary>
    public static IRecipe PixelMnist(string? dataDirectory = null) => new Recipe<SequenceLearnerConfig, PixelMnistDataConfig>(
        "urnn-mnist",
        "uRNN (or --set model=urnn-full|lstm|tanh|irnn) on pixel-by-pixel MNIST (--set permuted=true: one fixed pixel order); test accuracy",
        "Arjovsky, Shah, Bengio 2016, Unitary Evolution Recurrent Neural Networks, section 5.3",
        new SequenceLearnerConfig { Inputs = 1, Outputs = 10, Hidden = 512 }, new PixelMnistDataConfig(), 20000,
        (config, data, plan) => BuildMnist(config, data, plan, dataDirectory));

    static Flow<RunEvent> BuildMnist(SequenceLearnerConfig config, PixelMnistDataConfig data, RunPlan plan, string? dataDirectory)
    {
        if (config.Inputs != 1) throw new ArgumentException($"pixel MNIST feeds one pixel per step: inputs must be 1, not {config.Inputs}");
        if (config.Outputs != 10) throw new ArgumentException($"pixel MNIST has 10 classes: outputs must be 10, not {config.Outputs}");
        var device = Devices.Resolve(config.Device);
        var mnist = Mnist.Load(MnistFiles.Ensure(dataDirectory, Console.Error.WriteLine));
        int? order = data.Permuted ? data.PermutationSeed : null;
        var train = plan.Own(Environments.Data.Sequences.PixelMnist.From(mnist.Train, data.Side, order, data.TrainLimit > 0 ? data.TrainLimit : null));
        if (config.BatchSize > train.Count)
            throw new ArgumentException($"batch-size {config.BatchSize} is larger than the {train.Count} training images");
        using var test = Environments.Data.Sequences.PixelMnist.From(mnist.Test, data.Side, order, data.EvalSequences > 0 ? data.EvalSequences : null);
        var held = plan.Own(OnDevice(test.Sequences.clone(), test.Labels.clone(), device));
        // Epoch-wise shuffling without replacement, batch s a function of (seed, s) alone: resume is exact.
        var shuffler = plan.Own(new EpochShuffler(train.Count, config.BatchSize, plan.Seed));
        return Train(config, plan, Math.Log(10), held, "pixel-mnist", step =>
        {
            using var rows = shuffler.Rows(step - 1);
            var (inputs, targets) = train.Rows(rows);
            return OnDevice(inputs, targets, device);
        });
    }
}
