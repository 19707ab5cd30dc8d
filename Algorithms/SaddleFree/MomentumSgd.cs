using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>The velocity of SGD with momentum, one buffer per parameter.</summary>
public sealed class MomentumSgdState(Tensor[] velocities) : IDisposable
{
    public Tensor[] Velocities { get; } = velocities;

    public void Save(TensorArchiveWriter archive, string prefix = "msgd") => archive.AddAll($"{prefix}.velocity", Velocities);

    public void Load(TensorArchiveReader archive, string prefix = "msgd") => archive.ReadAllInto($"{prefix}.velocity", Velocities);

    public void Dispose()
    {
        foreach (var v in Velocities) v.Dispose();
    }
}

/// <summary>
/// Mini-batch SGD with momentum (MSGD, Dauphin et al.'s first-order baseline), as an Init/Update pair like Adam:
/// v = momentum v + g, theta = theta - lr v (torch.optim.SGD's form, dampening 0), from each parameter's <c>.grad</c>.
/// </summary>
public static class MomentumSgd
{
    public static MomentumSgdState Init(IReadOnlyList<Tensor> parameters) =>
        new(parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray());

    public static MomentumSgdState Update(double learningRate, double momentum, MomentumSgdState state, IReadOnlyList<Tensor> parameters)
    {
        var (mu, step) = (Scalars.Of(momentum), Scalars.Of(-learningRate));
        using var _ = no_grad();
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].grad is not { } g) continue;
            state.Velocities[i].mul_(mu).add_(g);
            parameters[i].add_(state.Velocities[i], alpha: step);
        }
        return state;
    }
}
