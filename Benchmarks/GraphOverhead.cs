using System.Diagnostics;
using System.Globalization;
using Pipeline.Algorithms.Classifier;
using Pipeline.Environments.Data;
using Pipeline.Recipes;
using Pipeline.Runs;
using TorchSharp;

using Pipeline.Stages.Training;

namespace Pipeline.Benchmarks;

/// <summary>
/// Side by side, alternating, in one process: the MNIST MLP update run N steps in a bare loop versus the same
/// recipe inside the graph with every sink on (metrics.jsonl, metrics.csv, TensorBoard, checkpoints). Both
/// serialize a checkpoint every 1,000 steps and skip evaluation, so the algorithm's work is the same.
/// </summary>
public static class GraphOverhead
{
    public static void Run(int steps, int rounds)
    {
        var mnist = Mnist.Load(MnistFiles.Ensure());
        var config = new MlpClassifierConfig { Device = "cpu" };
        using var train = MnistTensors.From(mnist.Train, torch.CPU);
        var bare = new List<double>();
        var graph = new List<double>();
        OnTrainerThread(() => BareLoop(config, train, 50)); // warm-up: native kernels, JIT
        InGraph(steps: 50);
        for (var round = 0; round < rounds; round++)
        {
            bare.Add(OnTrainerThread(() => BareLoop(config, train, steps)));
            graph.Add(InGraph(steps));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: bare {bare[^1]:F3} s, graph {graph[^1]:F3} s, ratio {graph[^1] / bare[^1]:F4}"));
        }
        var (b, g) = (Median(bare), Median(graph));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median over {rounds} rounds of {steps} steps: bare {b:F3} s ({steps / b:F0} steps/s), graph {g:F3} s ({steps / g:F0} steps/s), graph/bare = {g / b:F4} ({(g / b - 1) * 100:+0.0;-0.0}%)"));
    }

    /// <summary>The bare loop where the graph's training stage runs: with several intra-op threads, on a trainer thread.</summary>
    static double OnTrainerThread(Func<double> loop)
    {
        if (TrainerThread.Start is not { } start) return loop();
        using var thread = new TrainerThread("bare loop", start);
        var seconds = 0.0;
        thread.Run(() => seconds = loop());
        return seconds;
    }

    static double BareLoop(MlpClassifierConfig config, MnistTensors train, int steps)
    {
        var clock = Stopwatch.StartNew();
        var state = MlpClassifier.Init(config, 0, torch.CPU);
        foreach (var batch in ShuffledBatches.ForSteps(train.Images, train.Labels, config.BatchSize, 0, 1, steps))
        {
            state = MlpClassifier.Update(state, new LabeledBatch(batch.Inputs, batch.Labels)).State;
            batch.Dispose();
            if (batch.Step % 1000 == 0) MlpClassifier.Save(state);
        }
        state.Dispose();
        return clock.Elapsed.TotalSeconds;
    }

    static double InGraph(int steps)
    {
        var recipe = RecipeRegistry.Find("mnist-mlp")!;
        var run = recipe.Prepare(["device=cpu", $"eval-every={int.MaxValue}", "checkpoint-every=1000"], 0, steps)
            .IfFail(errors => throw new InvalidOperationException(string.Join("; ", errors)));
        var folder = Path.Combine(Directory.CreateTempSubdirectory("bench-").FullName, "run");
        var outcome = TrainingRunner.Run(run, RunDirectory.CreateNew(folder, recipe.Name, 0), false, false, [], _ => { }).GetAwaiter().GetResult();
        outcome.Result.ThrowIfFailed();
        // The graph's own time: the run's wall clock, without report writing (plots), which the bare loop does not do.
        var elapsed = outcome.Result.Elapsed.TotalSeconds;
        Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        return elapsed;
    }

    static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
