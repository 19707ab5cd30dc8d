using Pipeline.Recipes;
using Pipeline.Reports;
using Pipeline.Runs;

namespace Pipeline.Reproductions.Urnn;

/// <summary>
/// uRNN section 5.1: uRNN (128 complex units), LSTM (40) and tanh-RNN (80), about 6,500 parameters each, on the
/// copying-memory task, batch 20, RMSProp 1e-3: held-out cross-entropy against the memoryless baseline
/// 10 ln 8 / (T + 20), and the iterations each needs to fall below 1% of it.
/// </summary>
public sealed class CopyMemoryReproduction : IReproduction
{
    public string Name => "urnn-copy";
    public string Summary => "uRNN vs LSTM vs tanh-RNN on the copying-memory task against the memoryless baseline";
    public string Paper => "Arjovsky, Shah, Bengio 2016, Unitary Evolution Recurrent Neural Networks, section 5.1, Figure 1";

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        (int Delay, int Steps)[] settings = context.Quick ? [(100, 1000)] : [(100, 1000), (500, 2000)];
        (string Model, int Hidden)[] models = [("urnn", 128), ("lstm", 40), ("tanh", 80)];
        context.Report.Text("Models and sizes as the paper (uRNN 128 complex units, LSTM 40, tanh-RNN 80: about 6,500 parameters each), batch 20, " +
            "RMSProp 1e-3 (the reference code's variant), element-wise gradient clipping at 1 for the baselines only; held-out loss on 200 sequences " +
            "every 50 iterations. Targets: at T = 100 the uRNN below 1% of the baseline within 1,000 iterations, at T = 500 within 2,000; " +
            "the LSTM and tanh-RNN near the baseline over the same budgets.");
        var rows = new List<IReadOnlyList<object>>();
        foreach (var (delay, steps) in settings)
        {
            var curves = new List<(string, double[], double[])>();
            double baseline = 0;
            foreach (var (model, hidden) in models)
            {
                var outcome = await context.Train(RecipeRegistry.Find("urnn-copy")!, $"T{delay}/{model}",
                    [$"model={model}", $"hidden={hidden}", $"delay={delay}", "eval-every=50", $"checkpoint-every={steps}"], context.Seed, steps, cancellation);
                if (cancellation.IsCancellationRequested) return;
                var eval = MetricsLog.Read(outcome.Directory.MetricsJsonl).Where(p => p.Phase == "eval").ToList();
                var loss = eval.Where(p => p.Metric == "loss").OrderBy(p => p.Step).ToList();
                baseline = eval.First(p => p.Metric == "baseline").Value;
                var solved = loss.FirstOrDefault(p => p.Value < 0.01 * baseline);
                rows.Add([delay, model, hidden, loss[^1].Value, loss[^1].Value / baseline, solved == default ? "not within budget" : solved.Step]);
                curves.Add((model, loss.Select(p => (double)p.Step).ToArray(), loss.Select(p => p.Value).ToArray()));
            }
            curves.Add(("memoryless baseline", [0, steps], [baseline, baseline]));
            var path = context.PathOf($"copy-T{delay}.png");
            GanPlots.Curves(path, $"Copying memory, T = {delay}: held-out cross-entropy", "iteration", "cross-entropy", logY: true, curves);
            context.Report.Figure(path, $"T = {delay}: held-out cross-entropy of each model against the memoryless baseline (log scale).");
        }
        context.Report.Table(new ReportTable("copy_memory", "Copying memory: final held-out loss and iterations to fall below 1% of the baseline",
            ["T", "model", "hidden", "final loss", "loss / baseline", "iterations to < 1% of baseline"], rows));
    }
}
