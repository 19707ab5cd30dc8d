using System.Globalization;
using Pipeline.Recipes;
using Pipeline.Reports;
using Pipeline.Runs;

namespace Pipeline.Reproductions.SaddleFree;

/// <summary>
/// Dauphin et al. 2014, section 6 (seq.md 3.5) at a CPU scale: a deep autoencoder on the real MNIST trained by SGD with
/// momentum (and, for reference, Adam) to a plateau, then continued from the MSGD plateau's weights by saddle-free
/// Newton (Krylov), damped Newton (the same subspace, signed curvature) and more MSGD. Training error against wall
/// time and against gradient-plus-product evaluations, and the most negative Hessian eigenvalue (a fixed-batch
/// Lanczos probe) along the way. All runs are <c>sfn-autoencoder</c> sub-runs with their own run directories.
/// </summary>
public sealed class SfnAutoencoder : IReproduction
{
    public string Name => "sfn-autoencoder";
    public string Summary => "deep MNIST autoencoder: MSGD and Adam to a plateau, then saddle-free Newton, damped Newton and more MSGD from the same point";
    public string Paper => "Dauphin et al. 2014 (Identifying and attacking the saddle point problem), section 6, deep autoencoder";

    /// <summary>The sizes of one variant.</summary>
    sealed record Scale(string Encoder, int TrainLimit, int PlateauSteps, int PlateauEval, int SecondOrderSteps, int SecondOrderEval,
        int SecondOrderBatch, int Krylov, int ContinueSteps, int ContinueEval);

    static readonly Scale Quick = new("128,64,32,8", 10000, 2000, 100, 30, 3, 1000, 20, 3000, 150);
    static readonly Scale Full = new("256,128,64,16", 20000, 8000, 200, 100, 5, 2000, 40, 12000, 300);

    sealed record SubRun(string Name, string Directory, string[] Settings, int Steps, bool FromPlateau);

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var s = context.Quick ? Quick : Full;
        var recipe = RecipeRegistry.Find("sfn-autoencoder")!;
        string[] common = [$"encoder={s.Encoder}", $"train-limit={s.TrainLimit}", "device=cpu", "keep-checkpoints=1"];
        string[] msgd = ["optimizer=msgd", "learning-rate=0.001", "momentum=0.9", "batch-size=100"];
        string[] secondOrder = ["solver=krylov", $"krylov-dimension={s.Krylov}", $"batch-size={s.SecondOrderBatch}", "damping-rule=line-search", "damping=1"];
        var plateau = context.PathOf("plateau-msgd");
        SubRun[] runs =
        [
            new("MSGD to the plateau", "plateau-msgd", [.. msgd, $"eval-every={s.PlateauEval}"], s.PlateauSteps, false),
            new("Adam (from the same initialisation)", "plateau-adam", ["optimizer=adam", "learning-rate=0.001", "batch-size=100", $"eval-every={s.PlateauEval}"], s.PlateauSteps, false),
            new("SFN (Krylov) from the MSGD plateau", "continue-sfn", ["optimizer=sfn", .. secondOrder, $"eval-every={s.SecondOrderEval}"], s.SecondOrderSteps, true),
            new("damped Newton (Krylov) from the plateau", "continue-newton", ["optimizer=newton", .. secondOrder, $"eval-every={s.SecondOrderEval}"], s.SecondOrderSteps, true),
            new("MSGD continued from the plateau", "continue-msgd", [.. msgd, $"eval-every={s.ContinueEval}"], s.ContinueSteps, true),
        ];
        context.Report.Text($"Autoencoder 784-{s.Encoder.Replace(',', '-')}-(mirror)-784, logistic units, linear code layer, no pretraining, on the first " +
            $"{s.TrainLimit:N0} MNIST training images; error = squared reconstruction error per image (sum over 784 pixels). MSGD: lr 0.001, momentum 0.9, " +
            $"batch 100, {s.PlateauSteps} steps; Adam lr 0.001. From the MSGD plateau's weights: saddle-free Newton and damped Newton with k = {s.Krylov} " +
            $"Lanczos vectors on batches of {s.SecondOrderBatch} (gradient and curvature on the same batch), damping by line search from mu = 1, " +
            $"{s.SecondOrderSteps} steps; MSGD continued for {s.ContinueSteps} steps. Training error on the first 2,000 training images, test error on 2,000 test " +
            "images; lambda_min and lambda_max: 20 re-orthogonalised Lanczos steps from a fixed random direction on the Hessian of the loss on 1,000 training images " +
            "(the smallest Ritz value bounds lambda_min from above). Wall time excludes evaluations. Evaluations count gradients plus Hessian-vector products.");

        var traces = new List<Trace>();
        Trace? start = null;
        foreach (var run in runs)
        {
            cancellation.ThrowIfCancellationRequested();
            string[] settings = [.. common, .. run.Settings, $"checkpoint-every={run.Steps}", .. run.FromPlateau ? [$"start-from={plateau}"] : Array.Empty<string>()];
            var outcome = await context.Train(recipe, run.Directory, settings, context.Seed, run.Steps, cancellation);
            var trace = Read(run.Name, outcome, run.FromPlateau ? start : null);
            if (run.Directory == "plateau-msgd") start = trace;
            traces.Add(trace);
        }

        context.Report.Table(new ReportTable("autoencoder", "Training error (squared error per image) and work, per method",
            ["method", "steps", "train error at start", "train error at end", "test error at end", "lambda_min at start", "lambda_min at end",
             "lambda_max at end", "gradients", "products", "training seconds", "accepted steps"],
            [.. traces.Select(t => (IReadOnlyList<object>)[t.Name, t.Steps, t.Error[0], t.Error[^1], t.TestError, t.LambdaMin[0], t.LambdaMin[^1], t.LambdaMax,
                t.Gradients, t.Products, Math.Round(t.RunSeconds, 1), t.Accepted])]));

        Figure(context, traces, "error-vs-time.png", "Training error against wall time", "training seconds", t => t.Seconds, t => t.Error, false,
            "Training error against cumulative training time; the continuations start where the MSGD plateau run ends.");
        Figure(context, traces, "error-vs-evaluations.png", "Training error against evaluations", "gradient + Hessian-vector product evaluations", t => t.Work, t => t.Error, false,
            "Training error against cumulative gradient and Hessian-vector product evaluations.");
        Figure(context, traces, "lambda-min.png", "Most negative Hessian eigenvalue (Lanczos probe)", "training seconds", t => t.Seconds, t => t.LambdaMin, false,
            "The smallest Ritz value of the probe Hessian along each run (Dauphin et al.: it shrinks in magnitude along the SFN trajectory).");
    }

    /// <summary>One run's evaluation series, with its time and work offset by the plateau run's totals when it continues from it.</summary>
    /// <param name="Gradients">this run's own gradient evaluations (likewise products and seconds).</param>
    sealed record Trace(string Name, long Steps, double[] Seconds, double[] Work, double[] Error, double[] LambdaMin, double TestError, double LambdaMax,
        double Gradients, double Products, double RunSeconds, string Accepted);

    static Trace Read(string name, RunOutcome outcome, Trace? from)
    {
        var points = MetricsLog.Read(outcome.Directory.MetricsJsonl);
        var eval = points.Where(p => p.Phase == "eval").ToList();
        double[] Series(string metric) => eval.Where(p => p.Metric == metric).OrderBy(p => p.Step).Select(p => p.Value).ToArray();
        var seconds = File.ReadAllLines(Path.Combine(outcome.Directory.Path, "timing.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var work = Series("gradient_evaluations").Zip(Series("hvps_total"), (g, h) => g + h).ToArray();
        var (error, lambdaMin) = (Series("train_error"), Series("lambda_min"));
        var accepted = points.Where(p => p.Phase == "train" && p.Metric == "accepted").ToList();
        var acceptedText = accepted.Count == 0 ? "" : $"{accepted.Count(p => p.Value > 0)}/{accepted.Count}";
        var final = outcome.Final["eval"];
        var (gradients, products, testError, lambdaMax) = (final["gradient_evaluations"], final["hvps_total"], final["test_error"], final["lambda_max"]);
        if (from is null)
            return new Trace(name, outcome.Steps, seconds, work, error, lambdaMin, testError, lambdaMax, gradients, products, seconds[^1], acceptedText);
        var (t0, w0) = (from.Seconds[^1], from.Work[^1]);
        return new Trace(name, outcome.Steps, [t0, .. seconds.Select(x => x + t0)], [w0, .. work.Select(x => x + w0)],
            [from.Error[^1], .. error], [from.LambdaMin[^1], .. lambdaMin], testError, lambdaMax, gradients, products, seconds[^1], acceptedText);
    }

    static void Figure(ReproductionContext context, List<Trace> traces, string file, string title, string xLabel,
        Func<Trace, double[]> x, Func<Trace, double[]> y, bool logY, string caption)
    {
        var path = context.PathOf(file);
        GanPlots.Curves(path, title, xLabel, title.Contains("eigenvalue") ? "lambda_min" : "squared error per image", logY,
            traces.Select(t => (t.Name, x(t), y(t))));
        context.Report.Figure(path, caption);
    }
}
