using System.Diagnostics;
using System.Globalization;
using Pipeline.Algorithms.Optim;
using Pipeline.Algorithms.SaddleFree;
using Pipeline.Algorithms.SaddleFree.Autoencoder;
using Pipeline.Environments.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Benchmarks;

/// <summary>
/// The cost of saddle-free Newton on the sfn-autoencoder model (784-128-64-32-8 and back, float32, real MNIST): a
/// gradient, a gradient kept for products (create_graph), one Hessian-vector product, a whole SFN step (Krylov,
/// k products, line search over 5 dampings; with and without re-orthogonalisation) and an Adam step on the same
/// batch. Medians over rounds taken round-robin, one process.
/// </summary>
public static class SaddleFreeCost
{
    public static void Run(int batch, int krylov, int rounds)
    {
        var mnist = Mnist.Load(MnistFiles.Ensure());
        using var raw = tensor(mnist.Train.Images.AsSpan(0, batch * MnistSplit.Pixels).ToArray(), [batch, MnistSplit.Pixels], dtype: ScalarType.Byte);
        using var images = raw.to_type(ScalarType.Float32).div_(255.0);
        var config = new AutoencoderConfig { Optimizer = "sfn", KrylovDimension = krylov, BatchSize = batch, Device = "cpu" };
        using var state = AutoencoderTraining.Init(config, 0, CPU);
        var parameters = state.Parameters;
        Tensor Loss() => AutoencoderTraining.Loss(state.Model, images);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model 784-{config.Encoder.Replace(',', '-')}-mirror, {ParameterVector.Count(parameters):N0} parameters, batch {batch}, k {krylov}, {get_num_threads()} thread(s)"));

        double Gradient()
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            autograd.grad([Loss()], [.. parameters]);
            return clock.Elapsed.TotalMilliseconds;
        }
        double GradientForProducts()
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            HessianVectorProducts.At(parameters, Loss);
            return clock.Elapsed.TotalMilliseconds;
        }
        double Product()
        {
            using var scope = NewDisposeScope();
            var products = HessianVectorProducts.At(parameters, Loss);
            var v = randn(ParameterVector.Count(parameters), ScalarType.Float64);
            products.Apply(v);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 10; i++) products.Apply(v);
            return clock.Elapsed.TotalMilliseconds / 10;
        }
        var sfnConfig = config.ToSaddleFree();
        var plainConfig = sfnConfig with { Reorthogonalize = false };
        using var sfn = SaddleFree.Init(sfnConfig, parameters, 0);
        double SfnStep(SaddleFreeConfig c)
        {
            var clock = Stopwatch.StartNew();
            SaddleFree.Update(c, sfn, parameters, Loss);
            return clock.Elapsed.TotalMilliseconds;
        }
        using var adam = Adam.Init(parameters);
        double AdamStep()
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            foreach (var p in parameters) p.grad = null;
            Loss().backward();
            Adam.Update(new AdamConfig(1e-3), adam, parameters);
            return clock.Elapsed.TotalMilliseconds;
        }

        var cases = new (string Name, Func<double> Measure)[]
        {
            ("gradient (forward + backward)", Gradient),
            ("gradient with create_graph (kept for products)", GradientForProducts),
            ("one Hessian-vector product (graph reused)", Product),
            ($"SFN step (Krylov k = {krylov}, line search over 5 dampings)", () => SfnStep(sfnConfig)),
            ("the same without re-orthogonalisation", () => SfnStep(plainConfig)),
            ("Adam step (forward, backward, update)", AdamStep),
        };
        foreach (var (_, measure) in cases) measure();
        // Round-robin, so that load from other processes drifts over every case alike.
        var times = cases.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
            for (var i = 0; i < cases.Length; i++) times[i].Add(cases[i].Measure());
        var medians = times.Select(t => t.Order().ElementAt(rounds / 2)).ToArray();
        var gradient = medians[0];
        foreach (var ((name, _), ms) in cases.Zip(medians))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {ms:F1} ms | {ms / gradient:F2} gradients |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SFN step / Adam step: {medians[3] / medians[5]:F1}x wall time; {krylov} products + 1 gradient + 5 forward passes per SFN step"));
    }
}
