using System.Diagnostics;
using Pipeline.Algorithms.Gan.Ali;
using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Toy;
using Pipeline.Recipes;
using Pipeline.Runs;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Gan;

/// <summary>
/// The ALI paper's mixture experiment (section 4.2 / appendix; gan.md 4.2): ALI and its GAN baseline, the same
/// decoder, discriminator body, optimiser and number of updates, over several seeds; modes covered by 10,000 samples
/// (nearest centre) as mean +- std, min and max beside the paper's numbers, the high-quality fraction, and the
/// pictures: samples, reconstructions x -> z -> x, and the inferred codes q(z) against the prior p(z).
/// </summary>
public sealed class AliMixtureComparison : IReproduction
{
    public string Name => "ali-mixture";
    public string Summary => "ALI vs GAN on the 25-component mixture: modes covered over seeds, high-quality samples, reconstructions, q(z) vs p(z)";
    public string Paper => "Dumoulin et al. 2017 (ALI), the mixture experiment (gan.md 4.2)";

    sealed record Method(string Name, string Recipe, double PaperModes, double PaperStd, double PaperMin, double PaperMax);

    static readonly Method[] Methods =
    [
        new("ALI", "ali-mixture", 13.4, 5.8, 8, 25),
        new("GAN", "gan-mixture", 10.4, 9.2, 1, 22),
    ];

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var (steps, seeds) = context.Quick ? (4000, 3) : (20_000, 10);
        string[] settings = [$"eval-every={Math.Max(steps / 5, 1)}", $"checkpoint-every={steps}"];
        context.Report.Text($"Data: 25 Gaussians with means on {{-4, -2, 0, 2, 4}}^2 and standard deviation 0.05, a fixed set of 100,000 points " +
            "(gan.md 4.2). Networks as the reference code: encoder concat(x, eps) 4-400-400-2 and decoder 2-400-400-400-400-2 with batch norm " +
            "and ReLU, maxout discriminator 3 x (200 units x 5 pieces) on concat(x, z) (ALI) or on x (GAN); weights N(0, 0.02); Adam 1e-4, " +
            $"beta1 0.8; batch 100; simultaneous updates. Each run: {steps:N0} updates ({steps / 1000.0:G3} epochs; the paper's code ran 200 epochs), " +
            $"{seeds} seeds per method with the same settings (the paper drew a random learning rate, beta1 and init std for each of its 10 runs). " +
            "Modes covered: a component is covered when it is the nearest centre of at least one of 10,000 samples (ALI's definition); " +
            "high quality: within 3 standard deviations (0.15) of the nearest centre (VEEGAN and PacGAN's, 98.9% for the true mixture).");

        var rows = new List<IReadOnlyList<object>>();
        var perSeed = new List<IReadOnlyList<object>>();
        var figures = new List<(string Path, string Caption)>();
        foreach (var method in Methods)
        {
            var finals = new List<IReadOnlyDictionary<string, double>>();
            var seconds = new List<double>();
            for (var s = 0; s < seeds; s++)
            {
                var seed = context.Seed + s;
                var clock = Stopwatch.StartNew();
                var outcome = await context.Train(RecipeRegistry.Find(method.Recipe)!, $"{method.Recipe}/seed-{seed}", settings, seed, steps, cancellation);
                seconds.Add(clock.Elapsed.TotalSeconds);
                if (cancellation.IsCancellationRequested) return;
                var final = outcome.Final["eval"];
                finals.Add(final);
                perSeed.Add([method.Name, seed, final["modes"], final["modes_high_quality"], 100 * final["high_quality"], final["energy_distance"],
                    Inference(final, "reconstruction_error", 1), Inference(final, "reconstruction_same_mode", 100), Inference(final, "latent_energy_distance", 1)]);
                if (s == 0) figures.AddRange(Pictures(method, outcome, settings, seed, steps, context));
            }
            var modes = Stats(finals.Select(f => f["modes"]));
            var quality = Stats(finals.Select(f => 100 * f["high_quality"]));
            rows.Add([method.Name, modes.Mean, modes.Std, modes.Min, modes.Max,
                method.PaperModes, method.PaperStd, method.PaperMin, method.PaperMax,
                Stats(finals.Select(f => f["modes_high_quality"])).Mean, quality.Mean, quality.Std,
                Stats(finals.Select(f => f["energy_distance"])).Mean, Math.Round(seconds.Average(), 1)]);
        }
        context.Report.Table(new ReportTable("modes_covered", $"Modes covered of 25 after {steps:N0} updates, {seeds} seeds per method (this run beside the paper's 10 runs)",
            ["method", "modes (mean)", "± std", "min", "max", "paper modes", "paper ± std", "paper min", "paper max",
             "modes with a high-quality sample", "high quality %", "± std", "energy distance", "seconds per run"], rows));
        context.Report.Table(new ReportTable("per_seed", "Every run's final evaluation",
            ["method", "seed", "modes", "modes with a high-quality sample", "high quality %", "energy distance",
             "reconstruction error", "reconstructions in their point's mode %", "energy distance q(z) vs p(z)"], perSeed));
        context.Report.Text("Reconstruction error: mean squared distance between a held-out point and G_x(G_z(x)) (for scale: two independent points " +
            "of the mixture have a mean squared distance of 32); a reconstruction lands in its point's mode by chance 4% of the time.");
        context.Report.Text("The paper's numbers come from 200-epoch runs with randomly drawn optimiser settings; these come from shorter runs " +
            "with the reference code's fixed settings. Compare the tendency, not the digits.");
        foreach (var (path, caption) in figures) context.Report.Figure(path, caption);
    }

    /// <summary>Draws the first seed's pictures from its final checkpoint; returns them with their captions.</summary>
    static List<(string, string)> Pictures(Method method, RunOutcome outcome, string[] settings, int seed, long steps, ReproductionContext context)
    {
        var checkpoint = outcome.Directory.CheckpointStore(3).Latest() ?? throw new InvalidOperationException($"{outcome.Directory.Path} has no checkpoint");
        var prepared = RecipeRegistry.Find(method.Recipe)!.Prepare([.. settings, "device=cpu"], seed, steps)
            .IfFail(errors => throw new InvalidOperationException(string.Join("; ", errors)));
        using var state = prepared.Config switch
        {
            AliConfig ali => Ali.Load(ali, checkpoint.Payload, CPU),
            BaselineGanConfig gan => BaselineGan.Load(gan, checkpoint.Payload, CPU),
            var other => throw new InvalidOperationException($"no pictures for a {other.GetType().Name}"),
        };
        // The reference plot script's 2,500 points, held out from training.
        using var real = AliMixtureSampler.Fresh(2500, SeedMix.Mix(seed, 1, stream: 46));
        using var generated = AliInference.Sample(state, 2500, SeedMix.Mix(seed, 1, stream: 47));
        var samples = context.PathOf($"{method.Recipe}-samples.png");
        AliPlots.Scatter(samples, $"{method.Name}, seed {seed}: samples of p(x)", AliPlots.DataLimit,
            ("data", real, ScottPlot.Colors.Orange), ("samples G_x(z)", generated, ScottPlot.Colors.SteelBlue));
        var figures = new List<(string, string)>
        {
            (samples, $"{method.Name}, seed {seed}: 2,500 held-out data points (orange) and 2,500 samples G_x(z), z ~ N(0, I) (blue)."),
        };
        if (state.Encoder is null) return figures;

        using var codes = AliInference.Encode(state, real, SeedMix.Mix(seed, 2, stream: 47));
        using var reconstructions = AliInference.Decode(state, codes);
        using var prior = AliInference.Prior(state, 2500, SeedMix.Mix(seed, 3, stream: 47));
        using var centres = AliMixture.Modes.CentresTensor();
        using var modes = NearestCentreCoverage.Assign(real, centres);
        var reconstructed = context.PathOf($"{method.Recipe}-reconstructions.png");
        AliPlots.ByMode(reconstructed, $"{method.Name}, seed {seed}: reconstructions G_x(G_z(x))", AliPlots.DataLimit, reconstructions, modes, real, "data x");
        figures.Add((reconstructed, "Reconstructions x -> G_z(x) -> G_x(G_z(x)) of the held-out points (grey), each coloured by the mode its point x came from: " +
            "a reconstruction of another colour landed in another mode."));
        var latent = context.PathOf($"{method.Recipe}-latent.png");
        AliPlots.ByMode(latent, $"{method.Name}, seed {seed}: codes G_z(x) over the prior", AliPlots.LatentLimit, codes, modes, prior, "p(z) = N(0, I)");
        figures.Add((latent, "Inferred codes G_z(x), coloured by the mode of x, over 2,500 draws of the prior p(z) (grey): " +
            "where q(z) matches p(z), the colours tile the grey disc."));
        return figures;
    }

    /// <summary>An inference metric (scaled), or a note for the GAN, which has none.</summary>
    static object Inference(IReadOnlyDictionary<string, double> final, string metric, double scale) =>
        final.TryGetValue(metric, out var value) ? scale * value : "none (no encoder)";

    static (double Mean, double Std, double Min, double Max) Stats(IEnumerable<double> values)
    {
        var xs = values.ToArray();
        var mean = xs.Average();
        var std = xs.Length > 1 ? Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1)) : 0;
        return (mean, std, xs.Min(), xs.Max());
    }
}
