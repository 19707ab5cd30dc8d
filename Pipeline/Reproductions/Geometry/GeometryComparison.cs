using Pipeline.Algorithms.Divergences;
using Pipeline.Algorithms.Gan;
using Pipeline.Algorithms.Geometry;
using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Toy;
using Pipeline.Recipes;
using Pipeline.Reports;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Geometry;

/// <summary>
/// "Geometrical Insights for Implicit Generative Modeling" (Bottou, Arjovsky, Lopez-Paz, Oquab): generators trained by
/// the energy distance, MMD and the sliced W1 lower bound directly, and by WGAN-GP's adversarial W1, on the same toy
/// data and budget, each judged by every criterion on held-out samples; and the 1-D picture of the paper's point
/// that the criteria move probability mass differently (parallel lines, WGAN-paper Example 1).
/// </summary>
public sealed class GeometryComparison : IReproduction
{
    public string Name => "geometry";
    public string Summary => "generators trained by energy distance, MMD, sliced W1 and WGAN-GP, each judged by all criteria; 1-D geometry";
    public string Paper => "Bottou, Arjovsky, Lopez-Paz, Oquab 2018, Geometrical Insights for Implicit Generative Modeling";

    sealed record Method(string Name, string Recipe, string[] Settings);

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        OneDimensional(context);
        var (hidden, steps) = context.Quick ? (128, 2000) : (128, 10000);
        Method[] methods =
        [
            new("energy distance", "criterion-toy", ["criterion=energy"]),
            new("MMD (Gaussian mixture)", "criterion-toy", ["criterion=mmd"]),
            new("sliced W1", "criterion-toy", ["criterion=sliced"]),
            new("WGAN-GP (adversarial W1)", "wgan-gp-toy", ["lambda=0.1", "beta1=0.5"]),
        ];
        context.Report.Text($"Toy comparison: 25 gaussians, generator 2-{hidden}-{hidden}-{hidden}-2, batch 256, {steps} generator iterations each, " +
            "Adam 1e-4 (0.5, 0.9) for every generator. Each trained generator is judged on 2,500 samples against 2,500 fresh real ones by every " +
            "criterion: energy distance (V), unbiased MMD^2 (Gaussian bandwidths 0.02-2), sliced W1 (256 directions), a dual W1 estimate " +
            "(a fresh critic with gradient penalty, 1,000 steps), and the mode metrics.");
        var rows = new List<IReadOnlyList<object>>();
        using var real = ToySampler.Fresh(ToyDataset.TwentyFiveGaussians, 2500, SeedMix.Mix(context.Seed, 0, stream: 17));
        var modes = ToyDatasets.Modes(ToyDataset.TwentyFiveGaussians)!;
        using var centres = modes.CentresTensor();
        foreach (var method in methods)
        {
            var recipe = RecipeRegistry.Find(method.Recipe)!;
            var sub = method.Settings[0].Replace('=', '-');
            var outcome = await context.Train(recipe, sub, [.. method.Settings, $"hidden={hidden}", "dataset=25gaussians",
                $"eval-every={steps}", $"checkpoint-every={steps}", "device=cpu"], context.Seed, steps, cancellation);
            if (cancellation.IsCancellationRequested) return;
            var payload = outcome.Directory.CheckpointStore(3).Latest()!.Payload;
            var config = recipe.Prepare([.. method.Settings, $"hidden={hidden}", "device=cpu"], context.Seed, steps).IfFail(_ => throw new InvalidOperationException()).Config;
            using var state = config is WganGpConfig gp ? WganGp.Load(gp, payload, CPU) : CriterionGenerator.Load((CriterionGeneratorConfig)config, payload, CPU);
            using var generated = GanSampling.Sample(state, 2500, SeedMix.Mix(context.Seed, 1, stream: 18));
            var coverage = ModeMetrics.Compute(generated, centres, modes.Std);
            rows.Add([method.Name,
                EnergyDistance.VStatistic(generated, real),
                MaximumMeanDiscrepancy.Squared(generated, real, Kernel.GaussianMixture(0.02, 0.05, 0.1, 0.2, 0.5, 1, 2), unbiased: true),
                SlicedWasserstein.Estimate(generated, real, 256, SeedMix.Mix(context.Seed, 2, stream: 19)),
                DualWasserstein.Estimate(real, generated, 1000, SeedMix.Mix(context.Seed, 3, stream: 20)),
                coverage.Modes, 100 * coverage.HighQuality]);
            var picture = context.PathOf($"{sub}-samples.png");
            GanPlots.SamplesOverCritic(state, real, generated, $"{method.Name}: samples", picture);
            context.Report.Figure(picture, $"{method.Name}: real (orange) and generated (green); the background is the (untrained, for the direct criteria) critic.");
        }
        context.Report.Table(new ReportTable("criteria_by_criteria", $"Each generator (rows) judged by each criterion (columns) on held-out samples after {steps} iterations",
            ["trained by", "energy distance", "MMD^2 (unbiased)", "sliced W1", "dual W1", "modes (of 25)", "high quality %"], rows));
    }

    /// <summary>
    /// P0 = law of (0, Z), P_theta = law of (theta, Z), Z ~ U[0, 1]: each criterion and the size of its gradient in theta,
    /// from 1,000 samples per side. W1 = |theta| pulls with unit force everywhere; the energy distance's pull vanishes
    /// near the optimum (O(theta^2 log(1/theta)), gan.md 5.4) and is about 2 far away; a Gaussian-kernel MMD's pull
    /// vanishes far away, where the kernel no longer sees the other distribution.
    /// </summary>
    static void OneDimensional(ReproductionContext context)
    {
        const int n = 1000;
        var thetas = Enumerable.Range(0, 61).Select(i => -3 + 0.1 * i).ToArray();
        using var generator = new Generator(SeedMix.Mix(context.Seed, 0, stream: 30));
        using var z0 = rand([n, 1], dtype: ScalarType.Float64, generator: generator);
        using var z1 = rand([n, 1], dtype: ScalarType.Float64, generator: generator);
        using var x = cat([zeros([n, 1], dtype: ScalarType.Float64), z0], 1);
        var kernel = Kernel.GaussianMixture(0.5);
        var criteria = new (string Name, Func<Tensor, Tensor> Value)[]
        {
            ("W1 (exact, = abs theta)", y => Wasserstein1D.Tensor(x.select(1, 0), y.select(1, 0))),
            ("energy distance", y => EnergyDistance.VStatisticTensor(x, y)),
            ("MMD^2, Gaussian s = 0.5", y => MaximumMeanDiscrepancy.Tensor(x, y, kernel, unbiased: false)),
            ("sliced W1", y => { using var g = new Generator(7); return SlicedWasserstein.Tensor(x, y, 64, g); }),
        };
        var values = new List<(string, double[], double[])>();
        var gradients = new List<(string, double[], double[])>();
        var rows = new List<IReadOnlyList<object>>();
        foreach (var (name, criterion) in criteria)
        {
            var (v, g) = (new double[thetas.Length], new double[thetas.Length]);
            for (var i = 0; i < thetas.Length; i++)
            {
                using var scope = NewDisposeScope();
                var theta = tensor(thetas[i], dtype: ScalarType.Float64).requires_grad_();
                var y = cat([theta.expand(n, 1), z1], 1);
                var value = criterion(y);
                v[i] = value.item<double>();
                g[i] = Math.Abs(autograd.grad([value], [theta])[0].item<double>());
            }
            values.Add((name, thetas, v));
            gradients.Add((name, thetas, g));
            double At(double[] series, double t) => series[Array.FindIndex(thetas, s => Math.Abs(s - t) < 1e-9)];
            rows.Add([name, At(v, 0.1), At(v, 1), At(v, 3), At(g, 0.1), At(g, 1), At(g, 3)]);
        }
        var valuesPath = context.PathOf("one-d-values.png");
        GanPlots.Curves(valuesPath, "Criteria between the parallel lines P0 and P_theta", "theta", "criterion", false, values);
        var gradientsPath = context.PathOf("one-d-gradients.png");
        GanPlots.Curves(gradientsPath, "How hard each criterion pulls theta towards 0", "theta", "|d criterion / d theta|", false, gradients);
        context.Report.Text("**1-D geometry.** The parallel lines of the WGAN paper's Example 1, P0 = (0, Z) and P_theta = (theta, Z), 1,000 samples each.");
        context.Report.Table(new ReportTable("one_d", "Criterion value and |gradient| in theta",
            ["criterion", "value at 0.1", "at 1", "at 3", "|gradient| at 0.1", "at 1", "at 3"], rows));
        context.Report.Figure(valuesPath, "Criterion against theta.");
        context.Report.Figure(gradientsPath, "|gradient| against theta: W1 pulls with unit force everywhere, the energy distance's pull fades near the optimum, the Gaussian MMD's far from it.");
    }
}
