using Pipeline.Algorithms.Classifier;
using MlpState = Pipeline.Algorithms.Optim.ModelState<Pipeline.Algorithms.Classifier.MlpClassifierConfig, Pipeline.Algorithms.Classifier.Mlp>;
using Pipeline.Environments.Data;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Sinks;
using Pipeline.Stages.Training;
using TorchSharp;

namespace Pipeline.Examples;

/// <summary>
/// A custom pipeline composed in code: the library's data, training stage and sinks around a stage of one's
/// own (<see cref="SmoothedLoss"/>). No recipe, no run directory: just a graph. See docs/COMPOSING.md.
/// </summary>
public static class CustomPipeline
{
    public sealed record Result(RunResult Run, IReadOnlyList<MetricsEvent> Smoothed, double TestAccuracy);

    public static async Task<Result> Run(string metricsPath, int steps = 200, int seed = 1, CancellationToken cancellation = default)
    {
        var mnist = Mnist.Load(MnistFiles.Ensure());
        using var train = MnistTensors.From(mnist.Train, torch.CPU, limit: 10_000);
        using var test = MnistTensors.From(mnist.Test, torch.CPU, limit: 2_000);
        var config = new MlpClassifierConfig { Hidden = 64, BatchSize = 64, Device = "cpu" };

        var trainer = Train.Stage<LabeledBatch, MlpState>(
                "mlp",
                () => new TrainStart<MlpState>(MlpClassifier.Init(config, seed, torch.CPU), 0),
                (state, batch) => MlpClassifier.Update(state, batch))
            .Every(100, (state, step) => new MetricsEvent(step, "eval", MlpClassifier.Evaluate(state, test.Images, test.Labels)), atEnd: true);

        var smoothed = new List<MetricsEvent>();
        var run = await Graph
            .From(Source.From("batches", () => ShuffledBatches.ForSteps(train.Images, train.Labels, config.BatchSize, seed, 1, steps)))
            .Via(Stage.Map("to-labeled", (IndexedBatch b) => new LabeledBatch(b.Inputs, b.Labels)).Then(trainer.ToStage()).Async(capacity: 4))
            .Via(SmoothedLoss.Stage(decay: 0.95).Async())
            .To(RunSinks.MetricsJsonl(metricsPath),
                Sink.ForEach<RunEvent>("smoothed", e => { if (e is MetricsEvent { Phase: "smoothed" } m) smoothed.Add(m); }))
            .Run(cancellation: cancellation);

        var accuracy = File.ReadLines(metricsPath).Last(l => l.Contains("\"eval\""));
        var value = System.Text.Json.JsonDocument.Parse(accuracy).RootElement.GetProperty("accuracy").GetDouble();
        return new Result(run, smoothed, value);
    }
}
