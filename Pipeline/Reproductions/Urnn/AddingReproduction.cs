using Pipeline.Environments.Data.Sequences;
using Pipeline.Reports;

namespace Pipeline.Reproductions.Urnn;

/// <summary>
/// uRNN section 5.2: uRNN (and the full-capacity variant), LSTM, tanh-RNN and IRNN on the adding problem, batch 20, RMSProp 1e-3: held-out MSE
/// against the baseline 1/6 (always predicting 1), the iterations each needs to leave it and to solve the task.
/// </summary>
public sealed class AddingReproduction : IReproduction
{
    public string Name => "urnn-adding";
    public string Summary => "uRNN (restricted and full capacity) vs LSTM vs tanh-RNN vs IRNN on the adding problem against the baseline 1/6";
    public string Paper => "Arjovsky, Shah, Bengio 2016, Unitary Evolution Recurrent Neural Networks, section 5.2, Figure 2";

    /// <summary>What the paper's curves show (seq.md 1.6), by model, for T = 100 unless said.</summary>
    static string PaperReading(string model) => model switch
    {
        "urnn" => "leaves the baseline at about 2k iterations; 0.01-0.03 after 10-20k (T = 100); beats it up to T = 750",
        "urnn-full" => "not in the paper (the full-capacity uRNN is Wisdom et al. 2016)",
        "lstm" => "leaves the baseline after about 1k iterations (T = 100); about 0.09 at T = 750",
        _ => "never beats the baseline",
    };

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        // Quick: T = 50 and a 128-unit uRNN so that the four models finish in minutes on 2 cores; the paper's sizes
        // (uRNN 512, the others 128) and lengths in the full run.
        (int Length, int Steps)[] settings = context.Quick ? [(50, 2000)] : [(100, 10000), (200, 10000)];
        var urnnHidden = context.Quick ? 128 : 512;
        (string Model, int Hidden)[] models = [("urnn", urnnHidden), ("urnn-full", 128), ("lstm", 128), ("tanh", 128), ("irnn", 128)];
        var evalEvery = context.Quick ? 100 : 250;
        context.Report.Text($"Adding problem: uRNN with {urnnHidden} complex units, the full-capacity uRNN (Cayley steps, learning rate as the step size) with 128, LSTM, tanh-RNN and IRNN with 128, batch 20, RMSProp 1e-3 (the " +
            "reference code's variant), element-wise gradient clipping at 1 for the baselines only; held-out MSE on 500 sequences every " +
            $"{evalEvery} iterations. Baseline: always predicting 1, MSE 1/6. 'Leaves the baseline': first evaluation below 0.9 x 1/6; " +
            "'solved': first evaluation below 0.01.");
        var rows = new List<IReadOnlyList<object>>();
        foreach (var (length, steps) in settings)
        {
            var curves = new List<(string, double[], double[])>();
            foreach (var (model, hidden) in models)
            {
                var run = await EvalCurve.Train(context, "urnn-adding", $"T{length}/{model}",
                    [$"model={model}", $"hidden={hidden}", $"length={length}", $"eval-every={evalEvery}", $"checkpoint-every={steps}"], steps, cancellation);
                if (cancellation.IsCancellationRequested) return;
                var last = run.Last("loss");
                rows.Add([length, model, hidden, last, run.Best("loss", lowest: true), last is double mse ? mse / AddingProblem.Baseline : "-",
                    run.FirstStep("loss", v => v < 0.9 * AddingProblem.Baseline), run.FirstStep("loss", v => v < 0.01), PaperReading(model)]);
                if (run.Steps("loss").Length > 0) curves.Add((model, run.Steps("loss"), run.Values("loss")));
            }
            curves.Add(("baseline 1/6", [0, steps], [AddingProblem.Baseline, AddingProblem.Baseline]));
            var path = context.PathOf($"adding-T{length}.png");
            GanPlots.Curves(path, $"Adding problem, T = {length}: held-out MSE", "iteration", "MSE", logY: true, curves);
            context.Report.Figure(path, $"T = {length}: held-out MSE of each model against the baseline 1/6 (log scale).");
        }
        context.Report.Table(new ReportTable("adding", "Adding problem: held-out MSE, iterations to leave the baseline and to solve, beside the paper",
            ["T", "model", "hidden", "final MSE", "best MSE", "final / baseline", "iterations to < 0.9 baseline", "iterations to < 0.01", "paper (Figure 2)"], rows));
    }
}
