using System.Diagnostics;
using System.Globalization;
using Pipeline.Algorithms.Irm;
using Pipeline.Algorithms.Optim;
using Pipeline.Environments.Data;
using Pipeline.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Benchmarks;

/// <summary>
/// The cost of one full-batch Colored MNIST step with the paper's IRM hyperparameters (irm_ngu.md 1.5, 1.6), in
/// one process, variants alternating round by round on the same environments:
/// <list type="bullet">
/// <item>reference-like: what the reference script does per step, on the same LibTorch kernels: the dense
/// two-channel MLP over all three environments (the test one included, every step) and the penalty by autograd
/// double backward; our loss and Adam;</item>
/// <item>double-backward, closed-form: our training step (test environment only on logged steps, colour-split first
/// layer) with the two penalty computations;</item>
/// <item>closed-form bfloat16: the same with bfloat16 matrix products.</item>
/// </list>
/// Then the penalty alone on fixed logits (forward and backward), closed form against double backward.
/// </summary>
public static class IrmStepCost
{
    public static void Run(int steps, int rounds)
    {
        var environments = ColoredMnist.Build(Mnist.Load(MnistFiles.DefaultDirectory()).Train, new ColoredMnistSpec(), IrmColoredMnistRecipe.DataSeed(0), CPU);
        var split = environments.Select(e => IrmEnvironment.FromColoredImages(e.Images, e.Colors, e.Labels)).ToArray();
        var batch = new IrmBatch([split[0], split[1]], null);
        var reference = IrmConfig.Reference(IrmConfig.Irm) with { Device = "cpu" };
        (string Name, Func<int, double> Time)[] variants =
        [
            ("reference-like (dense, 3 environments, double backward)", n => ReferenceLike(reference, environments, n)),
            ("ours, double-backward penalty", n => Ours(reference with { Penalty = IrmConfig.DoubleBackward }, batch, n)),
            ("ours, closed-form penalty", n => Ours(reference, batch, n)),
            ("ours, closed-form penalty, bfloat16", n => Ours(reference with { Precision = IrmConfig.BFloat16 }, batch, n)),
        ];
        foreach (var (_, time) in variants) time(2); // warm-up: native kernels, JIT
        var seconds = variants.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
            for (var v = 0; v < variants.Length; v++)
                seconds[v].Add(variants[v].Time(steps) / steps);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{torch.get_num_threads()} LibTorch thread(s); median of {rounds} rounds of {steps} steps"));
        var baseline = Median(seconds[0]);
        for (var v = 0; v < variants.Length; v++)
        {
            var s = Median(seconds[v]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {variants[v].Name,-58} {s:F3} s/step  {1 / s:F2} steps/s  {s / baseline:F2} x reference-like   (rounds: {string.Join(", ", seconds[v].Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))})"));
        }
        PenaltyAlone(split[0].Count, rounds);
        foreach (var e in environments) e.Dispose();
        foreach (var e in split) e.Dispose();
    }

    static double Ours(IrmConfig config, IrmBatch batch, int steps)
    {
        using var state = InvariantRiskMinimization.Init(config, 0, CPU);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++) InvariantRiskMinimization.Update(state, batch);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The reference's step: every environment through the dense model, penalties by double backward, test accuracy every step.</summary>
    static double ReferenceLike(IrmConfig config, IReadOnlyList<ColoredMnistEnvironment> environments, int steps)
    {
        using var generator = new Generator(0);
        using var model = new IrmMlp(2, 196, config.Hidden, false, generator, CPU);
        var parameters = model.parameters().ToList();
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        using var adam = Adam.Init(parameters);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            foreach (var q in parameters) q.grad = null;
            var nll = new List<Tensor>();
            var penalties = new List<Tensor>();
            foreach (var e in environments)
            {
                var x = e.Images.view(e.Count, -1);
                var h = nn.functional.linear(x, p["input.weight"], p["input.bias"]).relu();
                h = nn.functional.linear(h, p["hidden.weight"], p["hidden.bias"]).relu();
                var logits = nn.functional.linear(h, p["output.weight"], p["output.bias"]);
                nll.Add(nn.functional.binary_cross_entropy_with_logits(logits, e.Labels));
                penalties.Add(IrmPenalty.DoubleBackward(logits, e.Labels));
                logits.gt(0).to_type(ScalarType.Float32).eq(e.Labels).to_type(ScalarType.Float32).mean().item<float>();
            }
            var weight = InvariantRiskMinimization.PenaltyWeightAt(config, adam.Steps);
            var loss = stack(nll.Take(2)).mean().add(stack(parameters.Select(q => q.square().sum())).sum().mul(config.L2Weight))
                .add(stack(penalties.Take(2)).mean().mul(weight));
            if (weight > 1) loss = loss.div(weight);
            loss.backward();
            Adam.Update(new AdamConfig(config.LearningRate), adam, parameters);
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Penalty plus its backward on fixed N x 1 logits, closed form against double backward.</summary>
    static void PenaltyAlone(long n, int rounds)
    {
        using var generator = new Generator(1);
        using var logits = randn([n, 1], generator: generator).requires_grad_();
        using var labels = rand([n, 1], generator: generator).lt(0.5).to_type(ScalarType.Float32);
        double Time(Func<Tensor, Tensor, Tensor> penalty, int repeats)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++)
            {
                using var scope = NewDisposeScope();
                logits.grad = null;
                penalty(logits, labels).backward();
            }
            return clock.Elapsed.TotalSeconds / repeats * 1e6;
        }
        Time(IrmPenalty.ClosedForm, 20);
        Time(IrmPenalty.DoubleBackward, 20);
        var closed = Enumerable.Range(0, rounds).Select(_ => Time(IrmPenalty.ClosedForm, 500)).ToList();
        var doubleBackward = Enumerable.Range(0, rounds).Select(_ => Time(IrmPenalty.DoubleBackward, 500)).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"penalty alone on {n:N0} logits (forward + backward, median of {rounds} x 500): closed form {Median(closed):F1} us, double backward {Median(doubleBackward):F1} us, ratio {Median(closed) / Median(doubleBackward):F2}"));
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
