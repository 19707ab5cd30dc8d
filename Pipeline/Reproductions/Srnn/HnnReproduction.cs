using Pipeline.Algorithms.Srnn;
using Pipeline.Environments.Physics;
using Pipeline.Recipes;
using Pipeline.Recipes.Srnn;
using Pipeline.Reports;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Srnn;

/// <summary>
/// The HNN paper's spring and pendulum (seq.md 2.6): the HNN and its baseline, 2,000 full-batch Adam steps each; the
/// held-out derivative MSE and the energy MSE of RK4 rollouts beside the HNN README's numbers, and the energy along
/// those rollouts.
/// </summary>
public sealed class HnnReproduction : IReproduction
{
    public string Name => "hnn";
    public string Summary => "Hamiltonian Neural Network vs baseline MLP on the ideal spring and pendulum: test loss and energy MSE of rollouts";
    public string Paper => "Greydanus, Dzamba, Yosinski 2019, Hamiltonian Neural Networks, section 3 and the code's README numbers";

    static readonly Dictionary<(string, string), (string Loss, string Energy)> PaperNumbers = new()
    {
        [("spring", "baseline")] = ("3.67e-2", "1.71e-1"), [("spring", "hnn")] = ("3.59e-2", "3.84e-4"),
        [("pendulum", "baseline")] = ("3.53e-2", "4.15e-2"), [("pendulum", "hnn")] = ("3.56e-2", "2.49e-2"),
    };

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var steps = context.Quick ? 1000 : 2000;
        var recipe = RecipeRegistry.Find("hnn")!;
        context.Report.Text($"50 trajectories over t in [0, 3] (spring 30 points, pendulum 45), noise 0.1 on the states, noiseless derivatives; the first 25 " +
            $"trajectories train, the other 25 test. MLP 2-200-200-out (tanh), Adam 1e-3, weight decay 1e-4, {steps:N0} full-batch steps " +
            "(orthogonal weights and no output bias, as the HNN code's MLP). Energy MSE: RK4 rollouts of the learned " +
            "field from the 25 test trajectories' clean first states over t in [0, 20] at step 0.02, mean squared error of the true energy against its start.");
        var rows = new List<IReadOnlyList<object>>();
        foreach (var system in new[] { "spring", "pendulum" })
        {
            var energies = new List<(string, double[], double[])>();
            foreach (var model in new[] { "baseline", "hnn" })
            {
                string[] settings = [$"system={system}", $"model={model}", "device=cpu", $"eval-every={steps}", $"checkpoint-every={steps}"];
                var outcome = await context.Train(recipe, Path.Combine(system, model), settings, context.Seed, steps, cancellation);
                if (cancellation.IsCancellationRequested) return;
                var eval = outcome.Final["eval"];
                var (loss, energy) = PaperNumbers[(system, model)];
                rows.Add([system, model, eval["test_loss"], loss, eval["energy_mse"], energy]);

                var prepared = recipe.Prepare(settings, context.Seed, steps).IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
                var data = (HnnDataConfig)prepared.Data;
                var checkpoint = outcome.Directory.CheckpointStore(3).Latest() ?? throw new InvalidOperationException($"{outcome.Directory.Path} has no checkpoint");
                using var state = Hnn.Load((HnnConfig)prepared.Config, checkpoint.Payload, CPU);
                var (train, test, starts) = data.Data(context.Seed);
                using (train) using (test) using (starts)
                {
                    using var trajectory = HnnRecipe.Rollout(state.Model, starts.narrow(0, 0, 1), (int)Math.Round(data.RolloutTime / 0.02) + 1);
                    using var cpu = trajectory.to_type(ScalarType.Float64).cpu();
                    var z = cpu.data<double>().ToArray();
                    energies.Add((model, Enumerable.Range(0, z.Length / 2).Select(i => i * 0.02).ToArray(),
                        Enumerable.Range(0, z.Length / 2).Select(i => OneDimensionalSystems.Energy(data.Kind, z[2 * i], z[2 * i + 1])).ToArray()));
                }
            }
            var path = context.PathOf($"{system}-energy.png");
            GanPlots.Curves(path, $"{system}: true energy along the RK4 rollout of the learned field (test trajectory 0)", "t", "H", logY: false, energies);
            context.Report.Figure(path, $"{system}: the true energy along each model's rollout from the first test state; the HNN's stays level, a drifting model's does not.");
        }
        context.Report.Table(new ReportTable("hnn", "Held-out derivative MSE and energy MSE of rollouts, beside the HNN README",
            ["system", "model", "test loss", "paper test loss", "energy MSE", "paper energy MSE"], rows));
    }
}
