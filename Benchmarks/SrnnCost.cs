using System.Diagnostics;
using System.Globalization;
using Pipeline.Algorithms.Srnn;
using Pipeline.Environments.Physics;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Benchmarks;

/// <summary>
/// The 20-mass spring chain (SRNN paper section 4): reference-integrator steps per second (plain C# leapfrog), learned
/// leapfrog steps per second (H-NET and O-NET, batch 32), and training steps per second for each kind of table row
/// (batch 32 windows of 10 states), each as a ratio to the recurrent O-NET Euler row measured in the same run.
/// </summary>
public static class SrnnCost
{
    public static void Run(int steps, int hidden)
    {
        using var generator = new Generator(1);
        var chain = SpringChain.Random(20, generator);
        var clock = Stopwatch.StartNew();
        using (var reference = ReferenceTrajectories.Generate(chain, 1000, 10, 0.1, 100, generator))
            Print($"reference leapfrog (C#, 1000 trajectories x 900 steps, parallel): {1000 * 900 / clock.Elapsed.TotalSeconds:N0} steps/s");

        using var windows = ReferenceTrajectories.Generate(chain, 32, 10, 0.1, 100, generator).to_type(ScalarType.Float32);
        foreach (var model in new[] { "hnet", "onet" })
        {
            var config = new SymplecticRnnConfig { Model = model, Dimension = 20, Hidden = hidden, Device = "cpu" };
            using var state = SymplecticRnn.Init(config, 0, CPU);
            var rollout = SymplecticRnn.Model(state);
            using (NewDisposeScope()) rollout.Rollout(windows[0], 10, Integrator.Leapfrog, 0.1);
            clock.Restart();
            for (var i = 0; i < steps; i++)
                using (NewDisposeScope()) rollout.Rollout(windows[0], 11, Integrator.Leapfrog, 0.1).detach();
            Print($"{model} ({hidden}) leapfrog rollout, batch 32, with the training graph: {steps * 10 / clock.Elapsed.TotalSeconds:N0} steps/s");
        }

        double? baseline = null;
        foreach (var (model, training, integrator) in new[]
                 {
                     ("onet", "recurrent", "euler"), ("onet", "recurrent", "leapfrog"), ("hnet", "recurrent", "euler"), ("hnet", "recurrent", "leapfrog"),
                     ("hnet", "single-step", "leapfrog"), ("rnn", "recurrent", "leapfrog"), ("lstm", "recurrent", "leapfrog"),
                 })
        {
            var config = new SymplecticRnnConfig { Model = model, Training = training, Integrator = integrator, Dimension = 20, Hidden = hidden, Device = "cpu" };
            var state = SymplecticRnn.Init(config, 0, CPU);
            using var batch = new TrajectoryBatch(windows.clone());
            state = SymplecticRnn.Update(state, batch).State;
            clock.Restart();
            for (var i = 0; i < steps; i++) state = SymplecticRnn.Update(state, batch).State;
            var rate = steps / clock.Elapsed.TotalSeconds;
            baseline ??= rate;
            Print($"train {config.RowName} ({hidden}): {rate:F1} steps/s ({rate / baseline.Value:F2}x the recurrent O-NET E-E row)");
            state.Dispose();
        }
    }

    static void Print(string line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
}
