using System.Diagnostics;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Gan;
using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Toy;
using Pipeline.Recipes;
using Pipeline.Reports;
using Pipeline.Runs;
using TorchSharp;

namespace Pipeline.Reproductions.Gan;

/// <summary>
/// WGAN-GP's toy experiment: GAN, WGAN (clipping) and WGAN-GP trained on 25 gaussians with the same networks
/// and the same number of generator iterations; modes covered, high-quality samples and energy distance to
/// held-out data; samples over the critic's value; the Wasserstein estimate over training.
/// </summary>
public sealed class ToyComparison : IReproduction
{
    public string Name => "wgan-gp";
    public string Summary => "GAN vs WGAN vs WGAN-GP on 25 gaussians: modes, sample quality, critics, W curves";
    public string Paper => "Gulrajani et al. 2017 (WGAN-GP), section 5.1 and the reference toy code";

    sealed record Method(string Name, string Recipe, string[] Settings);

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var (hidden, steps, seeds) = context.Quick ? (128, 3000, 1) : (128, 30000, 3);
        // The reference toy code's settings (gan.md 2.2): WGAN-GP with lambda 0.1 and Adam beta1 0.5 (the paper's
        // lambda 10 and beta1 0 are the recipe defaults), WGAN with RMSProp 5e-5 and clipping 0.01.
        Method[] methods =
        [
            new("GAN (-log D)", "gan-toy", []),
            new("WGAN (clip 0.01)", "wgan-toy", []),
            new("WGAN-GP", "wgan-gp-toy", ["lambda=0.1", "beta1=0.5"]),
        ];
        context.Report.Text($"Data: 25 gaussians (gan.md 2.3). Networks: ReLU MLPs 2-{hidden}-{hidden}-{hidden}-out for both players, batch 256, " +
            $"{steps} generator iterations per run, {seeds} seed(s) per method. WGAN-GP uses the reference toy code's lambda 0.1 and Adam (0.5, 0.9); " +
            "evaluation on 2,500 generated and 2,500 fresh real samples. A sample is high quality within 3 standard deviations of a mode " +
            "(on samples of the true mixture: 98.9%).");

        var rows = new List<IReadOnlyList<object>>();
        var wCurves = new List<(string, double[], double[])>();
        foreach (var method in methods)
        {
            var finals = new List<IReadOnlyDictionary<string, double>>();
            var seconds = new List<double>();
            for (var s = 0; s < seeds; s++)
            {
                var seed = context.Seed + s;
                var sub = $"{method.Recipe}/seed-{seed}";
                var clock = Stopwatch.StartNew();
                var outcome = await context.Train(RecipeRegistry.Find(method.Recipe)!, sub,
                    [.. method.Settings, $"hidden={hidden}", "dataset=25gaussians", $"eval-every={Math.Max(steps / 10, 1)}", $"checkpoint-every={steps}"],
                    seed, steps, cancellation);
                seconds.Add(clock.Elapsed.TotalSeconds);
                if (cancellation.IsCancellationRequested) return;
                finals.Add(outcome.Final["eval"]);
                if (s == 0)
                {
                    Picture(method, outcome, context, hidden, seed);
                    var w = MetricsLog.Read(outcome.Directory.MetricsJsonl).Where(p => p.Metric == "wasserstein").ToList();
                    if (w.Count > 0) wCurves.Add((method.Name, w.Select(p => (double)p.Step).ToArray(), Smooth(w.Select(p => p.Value).ToArray(), 51)));
                }
            }
            var (modes, modesStd) = MeanStd(finals.Select(f => f["modes"]));
            var (quality, qualityStd) = MeanStd(finals.Select(f => 100 * f["high_quality"]));
            var (energy, energyStd) = MeanStd(finals.Select(f => f["energy_distance"]));
            rows.Add([method.Name, modes, modesStd, quality, qualityStd, energy, energyStd, Math.Round(seconds.Average(), 1)]);
        }
        context.Report.Table(new ReportTable("toy_25gaussians", $"25 gaussians after {steps} generator iterations (mean ± std over {seeds} seed(s))",
            ["method", "modes (of 25)", "± std", "high quality %", "± std", "energy distance", "± std", "seconds per run"], rows));
        context.Report.Text("Target of the full run: WGAN-GP covers at least 24 of 25 modes with at least 80% high-quality samples. " +
            "Compare with the table above; the numbers are what this run measured.");
        if (wCurves.Count > 0)
        {
            var path = context.PathOf("wasserstein.png");
            GanPlots.Curves(path, "Wasserstein estimate (-critic loss), median-smoothed", "generator iteration", "W estimate", false, wCurves);
            context.Report.Figure(path, "The critics' Wasserstein estimates over training (WGAN: clipped critic, scaled by its Lipschitz bound; WGAN-GP: penalised critic).");
        }
    }

    static void Picture(Method method, RunOutcome outcome, ReproductionContext context, int hidden, int seed)
    {
        var checkpoint = outcome.Directory.CheckpointStore(3).Latest() ?? throw new InvalidOperationException($"{outcome.Directory.Path} has no checkpoint");
        var device = torch.CPU;
        using var state = method.Recipe switch
        {
            "gan-toy" => Algorithms.Gan.Gan.Load(ToyConfig(new GanConfig(), hidden), checkpoint.Payload, device),
            "wgan-toy" => Wgan.Load(ToyConfig(new WganConfig(), hidden), checkpoint.Payload, device),
            _ => WganGp.Load(ToyConfig(new WganGpConfig(), hidden), checkpoint.Payload, device),
        };
        using var real = ToySampler.Fresh(ToyDataset.TwentyFiveGaussians, 1000, SeedMix.Mix(seed, 0, stream: 7));
        using var generated = GanSampling.Sample(state, 1000, SeedMix.Mix(seed, 1, stream: 8));
        var path = context.PathOf($"{method.Recipe}-samples.png");
        GanPlots.SamplesOverCritic(state, real, generated, $"{method.Name}: samples over the critic", path);
        context.Report.Figure(path, $"{method.Name}, seed {seed}: real (orange) and generated (green) points over the critic's value.");
    }

    static T ToyConfig<T>(T config, int hidden) where T : AdversarialConfig =>
        config with { NoiseDim = 2, DataDim = 2, Hidden = hidden, HiddenLayers = 3, BatchSize = 256, Device = "cpu" };

    static (double Mean, double Std) MeanStd(IEnumerable<double> values)
    {
        var xs = values.ToArray();
        var mean = xs.Average();
        return (mean, xs.Length > 1 ? Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1)) : 0);
    }

    static double[] Smooth(double[] values, int window)
    {
        var half = window / 2;
        return values.Select((_, i) => values[Math.Max(0, i - half)..Math.Min(values.Length, i + half + 1)].Order().ElementAt((Math.Min(values.Length, i + half + 1) - Math.Max(0, i - half)) / 2)).ToArray();
    }
}
