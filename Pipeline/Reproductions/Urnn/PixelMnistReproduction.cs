using Pipeline.Reports;

namespace Pipeline.Reproductions.Urnn;

/// <summary>
/// uRNN section 5.3: uRNN (and the full-capacity variant), LSTM, tanh-RNN and IRNN on pixel-by-pixel MNIST and its permuted variant (real data):
/// test accuracy curves and the final accuracy beside the paper's.
/// </summary>
public sealed class PixelMnistReproduction : IReproduction
{
    public string Name => "urnn-mnist";
    public string Summary => "uRNN (restricted and full capacity) vs LSTM vs tanh-RNN vs IRNN on pixel-by-pixel and permuted MNIST: test accuracy";
    public string Paper => "Arjovsky, Shah, Bengio 2016, Unitary Evolution Recurrent Neural Networks, section 5.3, Figure 3";

    /// <summary>The paper's test accuracy (seq.md 1.6); IRNN from Le et al. 2015, tanh-RNN from the ICML table (unverified).</summary>
    static string PaperAccuracy(string model, bool permuted) => (model, permuted) switch
    {
        ("urnn", false) => "95.1%",
        ("urnn", true) => "91.4%",
        ("urnn-full", _) => "not in the paper (Wisdom et al. 2016)",
        ("lstm", false) => "98.2%",
        ("lstm", true) => "88%",
        ("irnn", false) => "97% (Le et al.)",
        ("irnn", true) => "82% (Le et al.)",
        _ => "35% (unverified)",
    };

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        // Quick: images pooled to 7 x 7 (49 steps) and 128 units so that ten runs finish in minutes on 2 cores;
        // the full run is the paper's task (28 x 28, 784 steps, uRNN 512 units) on the whole test set.
        var (side, steps, evalEvery, evalImages) = context.Quick ? (7, 1500, 100, 1000) : (28, 20000, 500, 0);
        var urnnHidden = context.Quick ? 128 : 512;
        (string Model, int Hidden)[] models = [("urnn", urnnHidden), ("urnn-full", context.Quick ? 128 : 512), ("lstm", 128), ("tanh", 128), ("irnn", 128)];
        context.Report.Text($"Pixel MNIST (real data) read one pixel per step from {side} x {side} images ({side * side} steps; the paper: 28 x 28, 784 steps), " +
            $"uRNN with {urnnHidden} complex units, the full-capacity uRNN (Cayley steps) with {(context.Quick ? 128 : 512)}, LSTM, tanh-RNN and IRNN with 128, batch 20, RMSProp 1e-3, clipping at 1 for the baselines only, " +
            $"{steps} iterations; accuracy on {(evalImages == 0 ? "the 10,000" : $"the first {evalImages:N0}")} test images every {evalEvery} iterations. " +
            "The permuted task reads every image in one fixed order drawn from permutation seed 92916.");
        var rows = new List<IReadOnlyList<object>>();
        foreach (var permuted in new[] { false, true })
        {
            var task = permuted ? "permuted" : "pixel";
            var curves = new List<(string, double[], double[])>();
            foreach (var (model, hidden) in models)
            {
                var run = await EvalCurve.Train(context, "urnn-mnist", $"{task}/{model}",
                    [$"model={model}", $"hidden={hidden}", $"side={side}", $"permuted={(permuted ? "true" : "false")}", $"eval-sequences={evalImages}",
                     $"eval-every={evalEvery}", $"checkpoint-every={steps}"], steps, cancellation);
                if (cancellation.IsCancellationRequested) return;
                rows.Add([task, model, hidden, run.Last("accuracy"), run.Best("accuracy", lowest: false), run.Last("loss"),
                    run.FirstStep("accuracy", a => a >= 0.5), PaperAccuracy(model, permuted)]);
                if (run.Steps("accuracy").Length > 0) curves.Add((model, run.Steps("accuracy"), run.Values("accuracy")));
            }
            var path = context.PathOf($"mnist-{task}.png");
            GanPlots.Curves(path, $"{(permuted ? "Permuted" : "Pixel-by-pixel")} MNIST ({side} x {side}): test accuracy", "iteration", "accuracy", logY: false, curves);
            context.Report.Figure(path, $"{task} MNIST: test accuracy of each model over training.");
        }
        context.Report.Table(new ReportTable("mnist", "Pixel MNIST: test accuracy beside the paper's (which is at 28 x 28 after far longer training)",
            ["task", "model", "hidden", "final accuracy", "best accuracy", "final cross-entropy", "iterations to 50%", "paper"], rows));
    }
}
