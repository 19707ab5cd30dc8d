using Pipeline.Algorithms.Gan;
using Pipeline.Environments.Data;
using Pipeline.Recipes;
using Pipeline.Reports;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Gan;

/// <summary>
/// "Towards Principled Methods for Training GANs" (Arjovsky and Bottou 2017), section 2.4 experiment on a CPU
/// scale (gan.md 3.2, 3.3): train a GAN (MLPs, real MNIST), freeze its generator at three stages, train a fresh
/// discriminator against each, and follow the discriminator's error and accuracy and the norm of the generator's
/// gradient under the original cost E log(1 - D(G(z))) and under -log D, without and with instance noise.
/// The paper: without noise the discriminator becomes perfect and the original cost's gradient vanishes by orders
/// of magnitude; the -log D gradient does not vanish but grows noisier; noise keeps both bounded away from those extremes.
/// </summary>
public sealed class PrincipledDiagnostics : IReproduction
{
    public string Name => "principled";
    public string Summary => "frozen generators vs fresh discriminators: accuracy and vanishing or exploding generator gradients, with and without instance noise";
    public string Paper => "Arjovsky and Bottou 2017, Towards Principled Methods for Training GANs, Figs. 1-3 and section 3";

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var (stages, discriminatorSteps, every) = context.Quick ? (new long[] { 100, 500, 2000 }, 1000, 25) : (new long[] { 250, 1200, 6000 }, 4000, 50);
        double[] noises = [0, 0.5, 2];
        var recipe = RecipeRegistry.Find("gan-mnist")!;
        var stageSettings = new[] { "hidden=256", $"checkpoint-every={stages[0]}", "keep-checkpoints=1000", $"eval-every={stages[^1]}" };
        var outcome = await context.Train(recipe, "generator", stageSettings, context.Seed, stages[^1], cancellation);
        if (cancellation.IsCancellationRequested) return;
        var store = outcome.Directory.CheckpointStore(1000);
        var config = (GanConfig)recipe.Prepare(stageSettings, context.Seed, stages[^1]).IfFail(_ => throw new InvalidOperationException()).Config with { Device = "cpu" };

        var mnist = Mnist.Load(MnistFiles.Ensure());
        using var raw = tensor(mnist.Train.Images.AsSpan(0, 20000 * MnistSplit.Pixels).ToArray(), [20000, MnistSplit.Pixels], dtype: ScalarType.Byte);
        using var images = raw.to_type(ScalarType.Float32).div_(Algorithms.Core.Scalars.Of(255));
        using var shuffler = new EpochShuffler(images.shape[0], 64, context.Seed);

        context.Report.Text($"A GAN (-log D cost, Adam 2e-4, MLPs 128-256-256-784 and 784-256-256-1, batch 50) trained on MNIST; its generator frozen after " +
            $"{string.Join(", ", stages)} iterations. Against each, a fresh discriminator (same architecture, Adam 2e-4, batch 64) is trained for {discriminatorSteps} steps, " +
            $"logging every {every} steps the discriminator's cross-entropy and accuracy and the generator gradient norms (1,000 noise samples) under both costs. " +
            $"Instance noise: standard deviations {string.Join(" and ", noises.Skip(1))} (pixels lie in [0, 1]) added to real and generated inputs alike.");
        var rows = new List<IReadOnlyList<object>>();
        var curves = new Dictionary<string, List<(string, double[], double[])>>();
        foreach (var stage in stages)
        {
            var checkpoint = CheckpointStoreRead(store, stage);
            foreach (var noise in noises)
            {
                cancellation.ThrowIfCancellationRequested();
                var trace = FreshDiscriminator(config, checkpoint, noise, images, shuffler, context.Seed, discriminatorSteps, every);
                var label = $"G@{stage}{(noise > 0 ? $", noise {noise}" : "")}";
                Add(curves, "loss", label, trace.Steps, trace.Loss);
                Add(curves, "minimax", label, trace.Steps, trace.MinimaxNorm);
                Add(curves, "neglogd", label, trace.Steps, trace.NegLogDNorm);
                rows.Add([stage, noise, trace.Accuracy[^1], trace.Loss[^1], trace.MinimaxNorm[0], trace.MinimaxNorm[^1],
                          trace.NegLogDNorm[0], trace.NegLogDNorm[^1], Variation(trace.NegLogDNorm)]);
            }
        }
        context.Report.Table(new ReportTable("frozen_generator", "Fresh discriminator against a frozen generator (first and last logged values)",
            ["generator iterations", "instance noise", "final accuracy", "final D loss", "minimax grad norm, first", "last",
             "-log D grad norm, first", "last", "-log D relative std (last half)"], rows));
        Figure(context, curves["loss"], "discriminator-loss.png", "Discriminator cross-entropy", "cross-entropy",
            "Fig. 1 analogue: the fresh discriminator's error against each frozen generator (log scale).");
        Figure(context, curves["minimax"], "minimax-gradient.png", "Generator gradient norm, original cost log(1 - D(G(z)))", "gradient norm",
            "Fig. 2 analogue: without noise the original cost's gradient vanishes as the discriminator improves.");
        Figure(context, curves["neglogd"], "neglogd-gradient.png", "Generator gradient norm, -log D(G(z))", "gradient norm",
            "Fig. 3 analogue: the -log D gradient does not vanish; its size and noise grow.");
    }

    static byte[] CheckpointStoreRead(Stages.Checkpoints.CheckpointStore store, long step) =>
        Stages.Checkpoints.CheckpointStore.Read(store.PathFor(step)).Payload;

    sealed record Trace(double[] Steps, double[] Loss, double[] Accuracy, double[] MinimaxNorm, double[] NegLogDNorm);

    static Trace FreshDiscriminator(GanConfig config, byte[] generatorCheckpoint, double noise, Tensor images, EpochShuffler shuffler,
        int seed, int steps, int every)
    {
        using var frozen = Algorithms.Gan.Gan.Load(config, generatorCheckpoint, CPU);
        using var state = Algorithms.Gan.Gan.Init(config, seed + 1000, CPU);
        using (no_grad())
            foreach (var (target, source) in state.Generator.parameters().Zip(frozen.Generator.parameters()))
                target.copy_(source);
        Gradients.Track(state.Generator, false);
        var (xs, loss, accuracy, minimax, negLogD) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (var i = 1; i <= steps; i++)
        {
            using var rows = shuffler.Rows(i);
            using var real = images.index_select(0, rows);
            var d = Algorithms.Gan.Gan.DiscriminatorStep(state, real, noise);
            if (i % every != 0 && i != 1) continue;
            Gradients.Track(state.Generator, true);
            xs.Add(i);
            loss.Add(d.Loss);
            accuracy.Add(d.Accuracy);
            minimax.Add(Algorithms.Gan.Gan.GeneratorGradientNorm(state, "minimax", 1000, noise));
            negLogD.Add(Algorithms.Gan.Gan.GeneratorGradientNorm(state, "neg-log-d", 1000, noise));
            Gradients.Track(state.Generator, false);
        }
        return new Trace([.. xs], [.. loss], [.. accuracy], [.. minimax], [.. negLogD]);
    }

    /// <summary>Standard deviation over mean of the second half of a series: how noisy the gradient norm is.</summary>
    static double Variation(double[] values)
    {
        var half = values[(values.Length / 2)..];
        var mean = half.Average();
        return Math.Sqrt(half.Sum(v => (v - mean) * (v - mean)) / half.Length) / mean;
    }

    static void Add(Dictionary<string, List<(string, double[], double[])>> curves, string key, string label, double[] x, double[] y)
    {
        if (!curves.TryGetValue(key, out var list)) curves[key] = list = [];
        list.Add((label, x, y));
    }

    static void Figure(ReproductionContext context, List<(string, double[], double[])> series, string file, string title, string yLabel, string caption)
    {
        var path = context.PathOf(file);
        GanPlots.Curves(path, title, "discriminator iteration", yLabel, logY: true, series);
        context.Report.Figure(path, caption);
    }
}
