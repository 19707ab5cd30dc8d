using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>Evaluation-time sampling: its own generator, so evaluating never changes the training trajectory.</summary>
public static class GanSampling
{
    /// <summary><paramref name="count"/> generated samples (float32, on the state's device), drawn with noise seeded by <paramref name="seed"/>.</summary>
    public static Tensor Sample(AdversarialState state, long count, ulong seed)
    {
        using var generator = new Generator(seed, state.Device);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var z = randn([count, state.Config.NoiseDim], device: state.Device, generator: generator);
        return state.Generator.call(z).MoveToOuterDisposeScope();
    }

    /// <summary>The critic's value at <paramref name="points"/> (n x data), without gradients.</summary>
    public static Tensor CriticValues(AdversarialState state, Tensor points)
    {
        using var _ = no_grad();
        return state.Critic.call(points).squeeze(1);
    }
}
