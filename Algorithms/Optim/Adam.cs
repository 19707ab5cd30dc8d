using Pipeline.Algorithms.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Optim;

/// <summary>Adam's hyperparameters (Kingma and Ba, 2015, Algorithm 1).</summary>
public sealed record AdamConfig(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8);

/// <summary>Adam's moments and step count; owned by one training state.</summary>
public sealed class AdamState(Tensor[] firstMoments, Tensor[] secondMoments, long steps) : IDisposable
{
    public Tensor[] FirstMoments { get; } = firstMoments;
    public Tensor[] SecondMoments { get; } = secondMoments;
    public long Steps { get; internal set; } = steps;

    public void Save(TensorArchiveWriter archive, string prefix = "adam") =>
        archive.Add($"{prefix}.steps", Steps).AddAll($"{prefix}.m", FirstMoments).AddAll($"{prefix}.v", SecondMoments);

    public void Load(TensorArchiveReader archive, string prefix = "adam")
    {
        Steps = archive.ReadLong($"{prefix}.steps");
        archive.ReadAllInto($"{prefix}.m", FirstMoments);
        archive.ReadAllInto($"{prefix}.v", SecondMoments);
    }

    public void Dispose()
    {
        foreach (var t in FirstMoments.Concat(SecondMoments)) t.Dispose();
    }
}

/// <summary>
/// Adam as an optax-style pair: <see cref="Init"/> makes the state, <see cref="Update"/> applies one step to
/// the parameters from their <c>.grad</c> (in place, for speed) and returns the consumed-and-renewed state.
/// Matches torch.optim.Adam (bias-corrected, epsilon outside the square root).
/// </summary>
public static class Adam
{
    public static AdamState Init(IReadOnlyList<Tensor> parameters) => new(
        parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray(),
        parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray(),
        0);

    public static AdamState Update(AdamConfig config, AdamState state, IReadOnlyList<Tensor> parameters)
    {
        var t = ++state.Steps;
        // Per-step scalars held in using variables, constants from the cache: see Scalars for why.
        using var stepSize = (-config.LearningRate / (1 - Math.Pow(config.Beta1, t))).ToScalar();
        using var secondCorrection = Math.Sqrt(1 - Math.Pow(config.Beta2, t)).ToScalar();
        var (beta1, oneMinusBeta1) = (Scalars.Of(config.Beta1), Scalars.Of(1 - config.Beta1));
        var (beta2, oneMinusBeta2) = (Scalars.Of(config.Beta2), Scalars.Of(1 - config.Beta2));
        var epsilon = Scalars.Of(config.Epsilon);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].grad is not { } g) continue;
            var (m, v) = (state.FirstMoments[i], state.SecondMoments[i]);
            m.mul_(beta1).add_(g, alpha: oneMinusBeta1);
            v.mul_(beta2).addcmul_(g, g, value: oneMinusBeta2);
            var denominator = v.sqrt().div_(secondCorrection).add_(epsilon);
            parameters[i].addcdiv_(m, denominator, value: stepSize);
        }
        return state;
    }
}
