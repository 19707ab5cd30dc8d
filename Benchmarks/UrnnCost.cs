using System.Diagnostics;
using System.Globalization;
using Pipeline.Algorithms.Urnn;
using Pipeline.Environments.Data.Sequences;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Benchmarks;

/// <summary>
/// Training iterations per second on the copying task, uRNN (128) against the full-capacity uRNN (128, Cayley steps),
/// LSTM (40), tanh-RNN (80) and IRNN (80), for T = 100 and 500, each as a ratio to the restricted uRNN's; and the cost
/// of one application of W (the FFT product) against a dense complex n x n matrix product as n grows.
/// </summary>
public static class UrnnCost
{
    public static void Run(int iterations)
    {
        foreach (var delay in new[] { 100, 500 })
        {
            double? restricted = null;
            foreach (var (model, hidden) in new[] { ("urnn", 128), ("urnn-full", 128), ("lstm", 40), ("tanh", 80), ("irnn", 80) })
            {
                var config = new SequenceLearnerConfig { Model = model, Hidden = hidden, Device = "cpu" };
                var state = SequenceLearner.Init(config, 0, CPU);
                using var generator = new Generator(1);
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < iterations; i++)
                {
                    var (x, y) = CopyMemory.Batch(20, delay, generator);
                    using var batch = new SequenceBatch(x, y);
                    state = SequenceLearner.Update(state, batch).State;
                }
                var rate = iterations / clock.Elapsed.TotalSeconds;
                restricted ??= rate;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"copy T = {delay}, {model} ({hidden}): {rate:F2} iterations/s, {rate / restricted:F2}x the restricted uRNN"));
                state.Dispose();
            }
        }
        foreach (var n in new[] { 64, 256, 1024, 4096 })
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(2);
            using var w = new UnitaryMatrix(n, generator, CPU);
            using var _ = no_grad();
            var h = complex(randn([20, n], generator: generator), randn([20, n], generator: generator));
            var dense = complex(randn([n, n], generator: generator), randn([n, n], generator: generator));
            double Time(Func<Tensor> f)
            {
                f();
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < 50; i++) f().Dispose();
                return clock.Elapsed.TotalMilliseconds * 1000 / 50;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"n = {n}: W h (FFT product) {Time(() => w.call(h)):F1} us, dense complex matmul {Time(() => h.matmul(dense)):F1} us (batch 20)"));
        }
    }
}
