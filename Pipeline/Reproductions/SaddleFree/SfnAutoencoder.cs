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

    /// <summary>The sizes of one variant; the second-order methods take full-batch steps on the training subset.</summary>
    sealed record Scale(string Encoder, int TrainLimit, int PlateauSteps, int PlateauEval, int SecondOrderSteps, int SecondOrderEval,
        int Krylov, int ContinueSteps, int ContinueEval, bool HessianFree);

    static readonly Scale Quick = new("128,64,32,8", 1000, 3000, 500, 30, 5, 50, 6000, 1000, false);
    static readonly Scale Full = new("256,128,64,16", 10000, 10000, 500, 100, 5, 100, 40000, 2000, true);

    const int FirstOrderBatch = 100;

    sealed record SubRun(string Name, string Directory, string[] Settings, int Steps, int Batch, bool FromPlateau);

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var s = context.Quick ? Quick : Full;
        var recipe = RecipeRegistry.Find("sfn-autoencoder")!;
        string[] common = [$"encoder={s.Encoder}", $"train-limit={s.TrainLimit}", $"eval-examples={Math.Min(2000, s.TrainLimit)}", "device=cpu", "keep-checkpoints=1"];
        string[] msgd = ["optimizer=msgd", "learning-rate=0.001", "momentum=0.9", $"batch-size={FirstOrderBatch}"];
        string[] secondOrder = [$"krylov-dimension={s.Krylov}", $"batch-size={s.TrainLimit}", "damping-rule=line-search", "damping=1"];
        var plateau = context.PathOf("plateau-msgd");
        SubRun[] runs =
        [
            new("MSGD to the plateau", "plateau-msgd", [.. msgd, $"eval-every={s.PlateauEval}"], s.PlateauSteps, FirstOrderBatch, false),
            new("Adam (from the same initialisation)", "plateau-adam", ["optimizer=adam", "learning-rate=0.001", $"batch-size={FirstOrderBatch}", $"eval-every={s.PlateauEval}"],
                s.PlateauSteps, FirstOrderBatch, false),
            new($"SFN (Krylov, k = {s.Krylov}) from the MSGD plateau", "continue-sfn", ["optimizer=sfn", "solver=krylov", .. secondOrder, $"eval-every={s.SecondOrderEval}"],
                s.SecondOrderSteps, s.TrainLimit, true),
            new($"damped Newton (Krylov, k = {s.Krylov}) from the plateau", "continue-newton", ["optimizer=newton", "solver=krylov", .. secondOrder, $"eval-every={s.SecondOrderEval}"],
                s.SecondOrderSteps, s.TrainLimit, true),
            .. s.HessianFree
                ? [new SubRun($"SFHF (Lanczos on H^2, k = {s.Krylov / 2}) from the plateau", "continue-sfhf",
                    ["optimizer=sfn", "solver=lanczos-h2", .. secondOrder, $"krylov-dimension={s.Krylov / 2}", $"eval-every={s.SecondOrderEval}"], s.SecondOrderSteps, s.TrainLimit, true)]
                : Array.Empty<SubRun>(),
            new("MSGD continued from the plateau", "continue-msgd", [.. msgd, $"eval-every={s.ContinueEval}"], s.ContinueSteps, FirstOrderBatch, true),
        ];
        context.Report.Text($"Autoencoder 784-{s.Encoder.Replace(',', '-')}-(mirror)-784, logistic units, linear code layer, PyTorch's default initialisation, " +
            $"no pretraining, on the first {s.TrainLimit:N0} MNIST training images; error = squared reconstruction error per image (sum over 784 pixels). " +
            $"MSGD: lr 0.001, momentum 0.9, batch {FirstOrderBatch}, {s.PlateauSteps} steps; Adam: lr 0.001, same initialisation. From the MSGD plateau's weights: " +
            $"saddle-free Newton and damped Newton with k = {s.Krylov} Lanczos vectors, full-batch steps on the {s.TrainLimit:N0} images (gradient, products and " +
            $"line search on the same batch), damping by Dauphin's line search from mu = 1, {s.SecondOrderSteps} steps; MSGD continued for {s.ContinueSteps} steps. " +
            $"Training error over the first {Math.Min(2000, s.TrainLimit):N0} training images, test error over 2,000 test images; lambda_min and lambda_max: 20 " +
            "re-orthogonalised Lanczos steps from a fixed random direction on the Hessian of the loss on 1,000 training images (the smallest Ritz value bounds " +
            "lambda_min from above). Wall time excludes evaluations. Work counts examples through a gradient or a Hessian-vector product " +
            "(evaluations x batch size; a product costs about 2 gradients, see PERFORMANCE.md). \"At start\" is a run's first point: its first " +
            $"evaluation (step {s.PlateauEval}) for the runs from the initialisation, the plateau run's last for the continuations.");

        var traces = new List<Trace>();
        Trace? start = null;
        foreach (var run in runs)
        {
            cancellation.ThrowIfCancellationRequested();
            string[] settings = [.. common, .. run.Settings, $"checkpoint-every={run.Steps}", .. run.FromPlateau ? [$"start-from={plateau}"] : Array.Empty<string>()];
            var outcome = await context.Train(recipe, run.Directory, settings, context.Seed, run.Steps, cancellation);
            var trace = Read(run.Name, outcome, run.Batch, run.FromPlateau ? start : null);
            if (run.Directory == "plateau-msgd") start = trace;
            traces.Add(trace);
        }

        context.Report.Table(new ReportTable("autoencoder", "Training error (squared error per image) and work, per method",
            ["method", "steps", "train error at start", "train error at end", "test error at end", "lambda_min at start", "lambda_min at end",
             "lambda_max at end", "gradients", "products", "examples x passes (M)", "training seconds", "accepted steps"],
            [.. traces.Select(t => (IReadOnlyList<object>)[t.Name, t.Steps, t.Error[0], t.Error[^1], t.TestError, t.LambdaMin[0], t.LambdaMin[^1], t.LambdaMax,
                t.Gradients, t.Products, Math.Round((t.Gradients + t.Products) * t.Batch / 1e6, 2), Math.Round(t.RunSeconds, 1), t.Accepted])]));

        Figure(context, traces, "error-vs-time.png", "Training error against wall time", "training seconds", t => t.Seconds, t => t.Error, false,
            "Training error against cumulative training time; the continuations start where the MSGD plateau run ends.");
        Figure(context, traces, "error-vs-evaluations.png", "Training error against evaluations", "examples through a gradient or a product (millions)", t => t.Work, t => t.Error, false,
            "Training error against cumulative work: examples through a gradient or a Hessian-vector product, in millions.");
        Figure(context, traces, "lambda-min.png", "Most negative Hessian eigenvalue (Lanczos probe)", "training seconds", t => t.Seconds, t => t.LambdaMin, false,
            "The smallest Ritz value of the probe Hessian along each run (Dauphin et al.: it shrinks in magnitude along the SFN trajectory).");
    }

    /// <summary>One run's evaluation series, with its time and work offset by the plateau run's totals when it continues from it.</summary>
    /// <param name="Work">cumulative examples through a gradient or a product, in millions, from the plateau run's start.</param>
    /// <param name="Gradients">this run's own gradient evaluations (likewise products and seconds).</param>
    sealed record Trace(string Name, long Steps, int Batch, double[] Seconds, double[] Work, double[] Error, double[] LambdaMin, double TestError, double LambdaMax,
        double Gradients, double Products, double RunSeconds, string Accepted);

    static Trace Read(string name, RunOutcome outcome, int batch, Trace? from)
    {
        var points = MetricsLog.Read(outcome.Directory.MetricsJsonl);
        var eval = points.Where(p => p.Phase == "eval").ToList();
        double[] Series(string metric) => eval.Where(p => p.Metric == metric).OrderBy(p => p.Step).Select(p => p.Value).ToArray();
        var seconds = File.ReadAllLines(Path.Combine(outcome.Directory.Path, "timing.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var products = Series("hvps_total");
        var work = Series("gradient_evaluations").Select((g, i) => (g + products[i]) * batch / 1e6).ToArray();
        var (error, lambdaMin) = (Series("train_error"), Series("lambda_min"));
        var accepted = points.Where(p => p.Phase == "train" && p.Metric == "accepted").ToList();
        var acceptedText = accepted.Count == 0 ? "" : $"{accepted.Count(p => p.Value > 0)}/{accepted.Count}";
        var final = outcome.Final["eval"];
        var (gradients, productCount, testError, lambdaMax) = (final["gradient_evaluations"], final["hvps_total"], final["test_error"], final["lambda_max"]);
        if (from is null)
            return new Trace(name, outcome.Steps, batch, seconds, work, error, lambdaMin, testError, lambdaMax, gradients, productCount, seconds[^1], acceptedText);
        var (t0, w0) = (from.Seconds[^1], from.Work[^1]);
        return new Trace(name, outcome.Steps, batch, [t0, .. seconds.Select(x => x + t0)], [w0, .. work.Select(x => x + w0)],
            [from.Error[^1], .. error], [from.LambdaMin[^1], .. lambdaMin], testError, lambdaMax, gradients, productCount, seconds[^1], acceptedText);
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
