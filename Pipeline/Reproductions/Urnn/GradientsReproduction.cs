using Pipeline.Algorithms.Urnn;
using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Sequences;
using Pipeline.Reports;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Urnn;

/// <summary>
/// uRNN section 5.4: ‖∂C/∂h_t‖ over t at initialisation and after 100 training iterations; the paper reports it
/// flat for the uRNN at initialisation and exponentially decaying for the others, and after training all decaying,
/// the uRNN much less. Measured on the adding problem (T = 100, the paper's adding sizes), whose cost is at the last
/// step only, so that ∂C/∂h_t is the gradient carried back through T - t steps (seq.md does not record the task).
/// </summary>
public sealed class GradientsReproduction : IReproduction
{
    public string Name => "urnn-gradients";
    public string Summary => "the cost's gradient norm with respect to each hidden state, uRNN vs LSTM vs tanh-RNN vs IRNN, at initialisation and after 100 iterations";
    public string Paper => "Arjovsky, Shah, Bengio 2016, Unitary Evolution Recurrent Neural Networks, section 5.4, Figure 4";

    public Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        const int length = 100, trained = 100;
        (string Model, int Hidden)[] models = [("urnn", 512), ("urnn-full", 512), ("lstm", 128), ("tanh", 128), ("irnn", 128)];
        context.Report.Text($"Adding problem, T = {length}, the paper's adding sizes (uRNN 512, the others 128), batch 20, RMSProp 1e-3; ‖∂C/∂h_t‖ " +
            $"of the last step's MSE on one held-out batch of 20 at initialisation and after {trained} iterations (quick and full are the same).");
        var rows = new List<IReadOnlyList<object>>();
        var curves = new List<(string, double[], double[])>();
        using var heldGenerator = new Generator(SeedMix.Mix(context.Seed, 0, stream: 42));
        var (heldInputs, heldTargets) = AddingProblem.Batch(20, length, heldGenerator);
        using var held = new SequenceBatch(heldInputs, heldTargets);
        foreach (var (model, hidden) in models)
        {
            using var state = SequenceLearner.Init(new SequenceLearnerConfig { Model = model, Hidden = hidden, Inputs = 2, Outputs = 1, Device = "cpu" }, context.Seed, CPU);
            var initial = HiddenGradients.Norms(state.Network, held);
            for (var step = 1; step <= trained && !cancellation.IsCancellationRequested; step++)
            {
                using var generator = new Generator(SeedMix.Mix(context.Seed, step, stream: 43));
                var (inputs, targets) = AddingProblem.Batch(20, length, generator);
                using var batch = new SequenceBatch(inputs, targets);
                SequenceLearner.Update(state, batch);
            }
            if (cancellation.IsCancellationRequested) return Task.CompletedTask;
            var after = HiddenGradients.Norms(state.Network, held);
            context.Log($"{model}: ‖∂C/∂h_1‖ / ‖∂C/∂h_T‖ {initial[0] / initial[^1]:G3} at initialisation, {after[0] / after[^1]:G3} after {trained} iterations");
            rows.Add([model, hidden, initial[0], initial[^1], initial[0] / initial[^1], after[0], after[^1], after[0] / after[^1]]);
            var steps = Enumerable.Range(1, initial.Length).Select(t => (double)t).ToArray();
            curves.Add(($"{model}, initialisation", steps, initial));
            curves.Add(($"{model}, {trained} iterations", steps, after));
        }
        var path = context.PathOf("hidden-gradients.png");
        GanPlots.Curves(path, $"Adding problem, T = {length}: ‖∂C/∂h_t‖", "t", "gradient norm", logY: true, curves);
        context.Report.Figure(path, "The cost's gradient norm with respect to each hidden state (log scale).");
        context.Report.Table(new ReportTable("hidden_gradients", "‖∂C/∂h_t‖ at the first and last step, at initialisation and after training",
            ["model", "hidden", "init ‖∂C/∂h_1‖", "init ‖∂C/∂h_T‖", "init ratio", $"{trained} it ‖∂C/∂h_1‖", $"{trained} it ‖∂C/∂h_T‖", $"{trained} it ratio"], rows));
        return Task.CompletedTask;
    }
}
