using System.Diagnostics;
using System.Globalization;
using Pipeline.Algorithms.Gan;
using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Toy;
using Pipeline.Recipes;
using Pipeline.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Benchmarks;

/// <summary>
/// Generator iterations per second of WGAN-GP, a bare loop over <see cref="WganGp.Update"/> versus the recipe in the
/// graph with every sink on (no evaluation), alternating rounds in one process: the toy set (DIM 512, batch 256,
/// the reference toy code's size) and MNIST (the recipe's MLPs).
/// </summary>
public static class GanThroughput
{
    public static void Run(int toySteps, int mnistSteps, int rounds)
    {
        Compare("wgan-gp toy, DIM 512, batch 256", "wgan-gp-toy", toySteps, rounds, ["hidden=512"], BareToy);
        Compare("wgan-gp mnist, MLP 512x2, batch 50", "wgan-gp-mnist", mnistSteps, rounds, [], BareMnist);
    }

    static void Compare(string title, string recipe, int steps, int rounds, string[] sets, Func<WganGpConfig, int, double> bare)
    {
        var prepared = RecipeRegistry.Find(recipe)!.Prepare([.. sets, "device=cpu", $"eval-every={int.MaxValue}", $"checkpoint-every={steps}"], 0, steps)
            .IfFail(errors => throw new InvalidOperationException(string.Join("; ", errors)));
        var config = (WganGpConfig)prepared.Config;
        bare(config, 3);
        InGraph(prepared);
        var (b, g) = (new List<double>(), new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            b.Add(steps / bare(config, steps));
            g.Add(steps / InGraph(prepared));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title} round {round + 1}: bare {b[^1]:F2} it/s, graph {g[^1]:F2} it/s"));
        }
        var (bm, gm) = (b.Order().ElementAt(rounds / 2), g.Order().ElementAt(rounds / 2));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{title}: median bare {bm:F2} generator it/s, graph {gm:F2} it/s, graph/bare throughput {gm / bm:F3}"));
    }

    static double InGraph(PreparedRun prepared)
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("bench-gan-").FullName, "run");
        var outcome = TrainingRunner.Run(prepared, RunDirectory.CreateNew(folder, prepared.Recipe, 0), false, false, [], _ => { }).GetAwaiter().GetResult();
        outcome.Result.ThrowIfFailed();
        Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        return outcome.Result.Elapsed.TotalSeconds;
    }

    static double BareToy(WganGpConfig config, int steps)
    {
        using var sampler = new ToySampler(ToyDataset.TwentyFiveGaussians, config.BatchSize, 0);
        return Loop(config, steps, (first, n) => sampler.Batches(first, n));
    }

    static double BareMnist(WganGpConfig config, int steps)
    {
        var mnist = Mnist.Load(MnistFiles.Ensure());
        using var raw = tensor(mnist.Train.Images, [mnist.Train.Count, MnistSplit.Pixels], dtype: ScalarType.Byte);
        using var images = raw.to_type(ScalarType.Float32).div_(255.0);
        using var shuffler = new EpochShuffler(images.shape[0], config.BatchSize, 0);
        return Loop(config, steps, (first, n) =>
        {
            using var scope = NewDisposeScope();
            return stack(Enumerable.Range(0, n).Select(i => images.index_select(0, shuffler.Rows(first + i))).ToArray()).MoveToOuterDisposeScope();
        });
    }

    static double Loop(WganGpConfig config, int steps, Func<long, int, Tensor> batches)
    {
        var clock = Stopwatch.StartNew();
        var state = WganGp.Init(config, 0, CPU);
        long next = 0;
        for (var k = 1; k <= steps; k++)
        {
            using var batch = new GanBatch(batches(next, config.CriticSteps));
            next += config.CriticSteps;
            state = WganGp.Update(state, batch).State;
        }
        state.Dispose();
        return clock.Elapsed.TotalSeconds;
    }
}
