using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Ngu.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// The networks an NGU actor runs and the learner trains: the recurrent Q-network, the embedding f (absent for plain
/// R2D2) and RND (absent without life-long novelty). Built from a seed, so learner and actors agree on the fixed ones
/// (a random-embedding f and RND's target) before the first snapshot arrives.
/// </summary>
public sealed class NguNetworks : IDisposable
{
    public NguNetworks(NguConfig config, Generator generator, Device device)
    {
        var torso = new TorsoSpec(config.Spec.ObservationShape, config.TorsoFeatures, config.TorsoStride);
        // Pooling loses where things are: only the Q-network may pool; the embedding may add keypoints, which keep it.
        Q = SeededInit.PyTorchDefaults(new RecurrentQNetwork(torso with { GlobalPool = config.QGlobalPool }, config.Spec.ActionCount, config.Policies, config.Hidden, config.DuelingHidden, device), generator);
        if (config.Intrinsic != NguConfig.None)
        {
            Embedding = SeededInit.PyTorchDefaults(new EmbeddingNetwork(EmbeddingTorso(config), config.Spec.ActionCount, config.EmbeddingSize, device), generator);
            if (config.LifelongNovelty)
                Rnd = SeededInit.PyTorchDefaults(new RandomNetworkDistillation(torso, config.RndOutputs, device), generator);
        }
    }

    /// <summary>The embedding's torso for this config (also what probes of the embedding build).</summary>
    public static TorsoSpec EmbeddingTorso(NguConfig config) =>
        new(config.Spec.ObservationShape, config.TorsoFeatures, config.TorsoStride, Keypoints: config.EmbeddingKeypoints,
            KeypointSharpness: config.EmbeddingKeypointSharpness, KeypointsOnly: config.EmbeddingKeypointsOnly);

    public RecurrentQNetwork Q { get; }
    public EmbeddingNetwork? Embedding { get; }
    public RandomNetworkDistillation? Rnd { get; }

    /// <summary>Every parameter in a fixed order: the layout of <see cref="ParameterSnapshot"/>.</summary>
    public IEnumerable<Tensor> Parameters =>
        Q.parameters().Concat(Embedding?.parameters() ?? []).Concat(Rnd?.parameters() ?? []);

    /// <summary>A detached copy of every parameter, tagged with the learner's update count.</summary>
    public ParameterSnapshot Snapshot(long version)
    {
        using var _ = no_grad();
        return new ParameterSnapshot(version, Parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray());
    }

    /// <summary>Overwrites every parameter with a snapshot's values.</summary>
    public void Load(ParameterSnapshot snapshot)
    {
        using var _ = no_grad();
        var parameters = Parameters.ToArray();
        if (parameters.Length != snapshot.Values.Length)
            throw new ArgumentException($"snapshot holds {snapshot.Values.Length} tensors; these networks have {parameters.Length}", nameof(snapshot));
        for (var i = 0; i < parameters.Length; i++) parameters[i].copy_(snapshot.Values[i]);
    }

    public void Dispose()
    {
        Q.Dispose();
        Embedding?.Dispose();
        Rnd?.Dispose();
    }
}

/// <summary>Versioned parameters published by the learner and read by actors (ARCHITECTURE.md: no Dataflow cycle).</summary>
public sealed record ParameterSnapshot(long Version, Tensor[] Values) : IDisposable
{
    public void Dispose()
    {
        foreach (var v in Values) v.Dispose();
    }
}
