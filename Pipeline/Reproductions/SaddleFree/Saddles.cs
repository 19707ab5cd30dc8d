using System.Diagnostics;
using Pipeline.Algorithms.SaddleFree.Saddles;
using Pipeline.Recipes;
using Pipeline.Reports;
using Pipeline.Runs;
using TorchSharp;

namespace Pipeline.Reproductions.SaddleFree;

/// <summary>
/// Dauphin et al. 2014's saddle experiments in small (sections 4-6; seq.md 3.2, 3.7): on x^2 - y^2, the monkey saddle,
/// a random indefinite quadratic and two tanh networks started at their symmetric saddle, the trajectories of gradient
/// descent, damped Newton, exact saddle-free Newton, Krylov saddle-free Newton (k below n) and the Hessian-free form
/// (Lanczos on H^2). Each (problem, method) is a <c>saddle-toy</c> sub-run with its own run directory; the table gives
/// final losses, steps to escape and the work done, the figures the paths and the distance to the saddle.
/// </summary>
public sealed class Saddles : IReproduction
{
    public string Name => "saddles";
    public string Summary => "GD vs damped Newton vs exact, Krylov and Hessian-free saddle-free Newton from near a saddle: paths, final losses, steps to escape";
    public string Paper => "Dauphin et al. 2014 (Identifying and attacking the saddle point problem), sections 4-6; Arjovsky 2015 (SFHF)";

    /// <summary>A problem, its step budget, gradient descent's learning rate (below 2 / lambda_max) and the Krylov k (below n).</summary>
    sealed record Problem(string Name, string Title, int QuickSteps, int FullSteps, double LearningRate, int Krylov);

    static readonly Problem[] Problems =
    [
        new("x2-y2", "x^2 - y^2 from (1, 0.5)", 12, 20, 0.1, 2),
        // Gradient descent on the cubic grows like r + 0.3 r^2 once it has escaped: past 18 steps it overflows float64.
        new("monkey", "monkey saddle x^3 - 3xy^2 from (0.5, 0.25)", 12, 15, 0.1, 2),
        new("quadratic", "indefinite quadratic, n = 20", 40, 60, 0.19, 8),
        new("autoencoder", "tanh autoencoder 6-3-6 at zero, n = 36", 150, 400, 0.1, 10),
        new("teacher", "tanh student 4-4-2 at zero, n = 24", 150, 400, 0.1, 8),
    ];

    static (string Name, string[] Settings)[] Methods(Problem p) =>
    [
        ("gradient descent", ["optimizer=gd", $"learning-rate={p.LearningRate}"]),
        ("Newton (exact, mu = 1e-6)", ["optimizer=newton", "solver=exact", "damping-rule=fixed", "damping=1e-6", "min-damping=1e-6"]),
        ("damped Newton (exact, line search)", ["optimizer=newton", "solver=exact"]),
        ("SFN (exact)", ["optimizer=sfn", "solver=exact"]),
        ($"SFN (Krylov, k={p.Krylov})", ["optimizer=sfn", "solver=krylov", $"krylov-dimension={p.Krylov}"]),
        ($"SFHF (Lanczos on H^2, k={p.Krylov})", ["optimizer=sfn", "solver=lanczos-h2", $"krylov-dimension={p.Krylov}"]),
    ];

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var recipe = RecipeRegistry.Find("saddle-toy")!;
        context.Report.Text("Every method starts from the same point near a saddle (2-D problems: fixed starts; the others: the saddle plus " +
            "N(0, 1e-6 I)). Newton is the plain method (damping fixed at 1e-6); the other Newton-type methods choose their damping by " +
            "Dauphin et al.'s line search (mu x 10^-2..10^2 around the last choice, from 0.01; lowest loss kept). Every Newton-type step that " +
            "raises the loss is reverted. Gradient descent uses a fixed step below 2 / lambda_max. " +
            "\"Escaped\": the loss fell 1 below the saddle's value (2-D problems, quadratic) or 10% below it (networks). " +
            "Products: Hessian-vector products, including the exact solvers' n per step.");
        // The full variant repeats the random problems (quadratic, networks) for three seeds; the 2-D ones have fixed starts.
        var rows = new List<IReadOnlyList<object>>();
        foreach (var problem in Problems)
        {
            var steps = context.Quick ? problem.QuickSteps : problem.FullSteps;
            var seeds = context.Quick || problem.Name is "x2-y2" or "monkey" ? 1 : 3;
            var paths = new List<(string, double[], double[])>();
            var distances = new List<(string, double[], double[])>();
            var objectives = new List<(string, double[], double[])>();
            for (var seed = context.Seed; seed < context.Seed + seeds; seed++)
            {
                var reference = Measure(problem.Name, seed);
                foreach (var (method, settings) in Methods(problem))
                {
                    cancellation.ThrowIfCancellationRequested();
                    var clock = Stopwatch.StartNew();
                    var outcome = await context.Train(recipe, Path.Combine(problem.Name, $"{Slug(method)}-seed{seed}"),
                        [$"problem={problem.Name}", .. settings, $"eval-every={steps}", $"checkpoint-every={steps}"], seed, steps, cancellation);
                    var seconds = clock.Elapsed.TotalSeconds;
                    var points = MetricsLog.Read(outcome.Directory.MetricsJsonl).Where(p => p.Phase == "train").ToList();
                    double[] Series(string metric) => points.Where(p => p.Metric == metric).OrderBy(p => p.Step).Select(p => p.Value).ToArray();
                    var objective = Series("objective");
                    var distance = Series("distance");
                    var escape = Array.FindIndex(objective, f => f <= reference.SaddleLoss - reference.Margin);
                    var final = outcome.Final["train"];
                    rows.Add([problem.Name, seed, method, reference.StartLoss, reference.SaddleLoss, objective[^1],
                        escape < 0 ? $"not in {steps}" : (object)(escape + 1), distance[^1], final["lambda_min"],
                        final["gradient_evaluations"], final["hvps_total"], Math.Round(seconds, 1)]);
                    if (seed != context.Seed) continue;
                    var stepAxis = Enumerable.Range(0, objective.Length + 1).Select(i => (double)i).ToArray();
                    if (problem.Name is "x2-y2" or "monkey")
                        paths.Add((method, [reference.Start[0], .. Series("x")], [reference.Start[1], .. Series("y")]));
                    distances.Add((method, stepAxis, [reference.StartDistance, .. distance]));
                    objectives.Add((method, stepAxis, [reference.StartLoss, .. objective]));
                }
            }
            Figures(context, problem, paths, distances, objectives);
        }
        context.Report.Table(new ReportTable("saddles", "Final loss and steps to escape, per problem and method",
            ["problem", "seed", "method", "f(start)", "f(saddle)", "final f", "steps to escape", "final distance to saddle", "final lambda_min",
             "gradients", "products", "seconds"], rows));
    }

    static void Figures(ReproductionContext context, Problem problem, List<(string, double[], double[])> paths,
        List<(string, double[], double[])> distances, List<(string, double[], double[])> objectives)
    {
        if (paths.Count > 0)
        {
            var path = context.PathOf($"{problem.Name}-paths.png");
            SaddlePlots.Paths(path, problem.Title, problem.Name, paths);
            context.Report.Figure(path, $"{problem.Title}: the path of each method over f (the saddle is at the origin; the three saddle-free " +
                "variants coincide here, k = n = 2, so only the last drawn shows).");
        }
        var distance = context.PathOf($"{problem.Name}-distance.png");
        GanPlots.Curves(distance, $"{problem.Title}: distance to the saddle", "step", "||theta - saddle||", logY: true, distances);
        context.Report.Figure(distance, $"{problem.Title}: distance to the saddle per step (log scale); a method attracted by the saddle goes down.");
        if (problem.Name is "autoencoder" or "teacher")
        {
            var objective = context.PathOf($"{problem.Name}-loss.png");
            GanPlots.Curves(objective, $"{problem.Title}: loss", "step", "loss", logY: false, objectives);
            context.Report.Figure(objective, $"{problem.Title}: the loss per step; the plateau at the start is the saddle.");
        }
    }

    /// <summary>The problem as the sub-runs draw it: f(saddle), the escape margin, and the start.</summary>
    sealed record Reference(double SaddleLoss, double Margin, double StartLoss, double StartDistance, double[] Start);

    static Reference Measure(string name, int seed)
    {
        using var scope = torch.NewDisposeScope();
        using var random = new torch.Generator((ulong)seed);
        using var problem = SaddleProblem.Create(name, random);
        var start = problem.Start(Perturbation, random);
        return new Reference(problem.Loss(problem.Saddle()).item<double>(), problem.EscapeMargin, problem.Loss(start).item<double>(),
            start.sub(problem.Saddle()).norm().item<double>(), start.data<double>().ToArray());
    }

    /// <summary>The recipe's default start offset.</summary>
    static double Perturbation => new SaddleDescentConfig().Perturbation;

    static string Slug(string method) => string.Concat(method.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-')).Trim('-').Replace("--", "-");
}
