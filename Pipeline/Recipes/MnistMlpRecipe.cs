using Pipeline.Algorithms.Classifier;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using Pipeline.Environments.Data;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;

namespace Pipeline.Recipes;

/// <summary>
/// The built-in default job: an MLP classifier on the real MNIST, through the whole pipeline (seeded shuffled
/// batches prepared ahead on their own thread, the training stage, periodic test-set evaluation and checkpoints,
/// every sink). About 98% test accuracy in the default 3,000 steps.
/// </summary>
public static class MnistMlpRecipe
{
    public static Recipe<MlpClassifierConfig, MnistDataConfig> Create(string? dataDirectory = null) => new(
        "mnist-mlp",
        "MLP classifier (cross-entropy, Adam) on the real MNIST: the pipeline's reference job",
        "LeCun et al. 1998 (MNIST); Kingma and Ba 2015 (Adam)",
        new MlpClassifierConfig(),
        new MnistDataConfig(),
        defaultSteps: 3000,
        (config, data, plan) => Build(config, data, plan, dataDirectory));

    static Flow<RunEvent> Build(MlpClassifierConfig config, MnistDataConfig data, RunPlan plan, string? dataDirectory)
    {
        var device = Devices.Resolve(config.Device);
        var mnist = Mnist.Load(MnistFiles.Ensure(dataDirectory, Console.Error.WriteLine));
        var limit = data.TrainLimit > 0 ? data.TrainLimit : (int?)null;
        var train = plan.Own(MnistTensors.From(mnist.Train, device, limit));
        var test = plan.Own(MnistTensors.From(mnist.Test, device));
        if (config.BatchSize > train.Labels.shape[0])
            throw new ArgumentException($"batch-size {config.BatchSize} is larger than the {train.Labels.shape[0]} training examples");

        var batches = Source.From("mnist-train", () =>
            ShuffledBatches.ForSteps(train.Images, train.Labels, config.BatchSize, plan.Seed, plan.StartStep + 1, plan.LastStep));
        var trainer = AlgorithmTraining.Stage<MlpClassifier, MlpClassifierConfig, ModelState<MlpClassifierConfig, Mlp>, LabeledBatch>("mlp", config, plan, device)
            // Evaluate on the cadence and at the planned last step, not wherever a stopped run ends, so a
            // stopped-then-resumed run logs exactly what an uninterrupted one does.
            .Every(1, (state, step) => step % plan.Settings.EvalEvery == 0 || step == plan.LastStep
                ? new MetricsEvent(step, "eval", MlpClassifier.Evaluate(state, test.Images, test.Labels))
                : null);

        return Graph.From(batches)
            .Via(Stage.Map("to-labeled", (IndexedBatch b) => new LabeledBatch(b.Inputs, b.Labels))
                .Then(trainer.ToStage())
                .Async(capacity: plan.Settings.Prefetch));
    }
}
