using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Gan;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Divergences;

/// <summary>The exact Wasserstein-1 distance between two equal-size 1-D samples: the mean gap of the sorted values.</summary>
public static class Wasserstein1D
{
    public static Tensor Tensor(Tensor x, Tensor y)
    {
        if (x.numel() != y.numel()) throw new ArgumentException($"samples of {x.numel()} and {y.numel()} values; the exact form needs equal sizes", nameof(y));
        if (x.numel() == 0) throw new ArgumentException("x holds no samples", nameof(x));
        return x.flatten().to_type(ScalarType.Float64).sort().Values.sub(y.flatten().to_type(ScalarType.Float64).sort().Values).abs().mean();
    }

    public static double Exact(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        return Tensor(x, y).item<double>();
    }
}

/// <summary>
/// Sliced Wasserstein-1: the mean over random unit directions of the exact 1-D W1 between the projections
/// (equal sample sizes). A lower bound of W1 (projection is 1-Lipschitz), unbiased-gradient friendly and
/// differentiable through the sort, so it also trains generators.
/// </summary>
public static class SlicedWasserstein
{
    public static Tensor Tensor(Tensor x, Tensor y, int directions, Generator generator)
    {
        Samples.Check(x, y);
        if (x.shape[0] != y.shape[0]) throw new ArgumentException($"sliced W1 here needs equal sample sizes, not {x.shape[0]} and {y.shape[0]}", nameof(y));
        if (directions < 1) throw new ArgumentException($"directions must be >= 1, not {directions}", nameof(directions));
        var (a, b) = (x.to_type(ScalarType.Float64), y.to_type(ScalarType.Float64));
        var theta = randn([a.shape[1], directions], dtype: ScalarType.Float64, device: a.device, generator: generator);
        theta = theta.div(theta.norm(0, keepdim: true));
        var (pa, pb) = (a.matmul(theta).sort(0).Values, b.matmul(theta).sort(0).Values);
        return pa.sub(pb).abs().mean();
    }

    public static double Estimate(Tensor x, Tensor y, int directions, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(seed, x.device);
        return Tensor(x, y, directions, generator).item<double>();
    }
}

/// <summary>
/// The dual (critic-based) W1 estimate sup_f E f(X) - E f(Y) over (approximately) 1-Lipschitz f: a fresh ReLU MLP
/// critic trained on the two samples with WGAN-GP's penalty (lambda 10, Adam 1e-4, betas (0.5, 0.9)), then
/// evaluated on them. Biased low by the finite critic and training budget; comparable across methods at one budget.
/// </summary>
public static class DualWasserstein
{
    public static double Estimate(Tensor x, Tensor y, int steps, ulong seed, int hidden = 128, int batch = 256)
    {
        Samples.Check(x, y);
        using var scope = NewDisposeScope();
        var device = x.device;
        using var random = new Generator(seed, device);
        using var critic = new MlpNetwork("dual-critic", (int)x.shape[1], hidden, 3, 1, false, "he-uniform", random, device);
        using var optimizer = new OptimizerSpec(OptimizerKind.Adam, 1e-4, 0.5, 0.9).Create(critic.parameters().ToList());
        var (a, b) = (x.to_type(ScalarType.Float32), y.to_type(ScalarType.Float32));
        for (var i = 0; i < steps; i++)
        {
            using var step = NewDisposeScope();
            var real = a.index_select(0, randint(0, a.shape[0], [batch], device: device, generator: random));
            var fake = b.index_select(0, randint(0, b.shape[0], [batch], device: device, generator: random));
            var gap = critic.call(real).mean().sub(critic.call(fake).mean());
            var penalty = GradientPenalty.Compute(t => critic.call(t), real, fake, rand([batch], device: device, generator: random));
            var loss = gap.neg().add(penalty.mul(Scalars.Of(10)));
            Gradients.Clear(critic);
            loss.backward();
            optimizer.Step();
        }
        using var _ = no_grad();
        return critic.call(a).mean().sub(critic.call(b).mean()).item<float>();
    }
}
