using Pipeline.Algorithms.Ngu.Networks;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// A learner batch of B replayed sequences of T steps (R2D2 section 2.3), all on the learner's device. Step t holds the
/// network inputs before acting (observation, previous action, previous rewards) and what followed (action, extrinsic
/// and intrinsic reward, whether the episode terminated there). <see cref="Mask"/> is 0 on the zero padding after an
/// episode's end; <see cref="InitialH"/>/<see cref="InitialC"/> are the actor's LSTM state at the sequence's first step;
/// <see cref="Weights"/> are the replay's importance weights; <see cref="Behaviour"/>, when present, the probability
/// mu(a_t | x_t) with which the actor chose each action (Retrace with an epsilon-greedy target needs it). The batch
/// owns its tensors.
/// </summary>
public sealed record SequenceBatch(
    Tensor Observations, Tensor Actions, Tensor PreviousActions,
    Tensor Extrinsic, Tensor Intrinsic, Tensor PreviousExtrinsic, Tensor PreviousIntrinsic,
    Tensor Terminal, Tensor Mask, Tensor Policies, Tensor InitialH, Tensor InitialC, Tensor Weights, Tensor? Behaviour = null) : IDisposable
{
    public long Size => Observations.shape[0];
    public long Length => Observations.shape[1];

    /// <summary>The Q-network inputs of steps [start, start + length).</summary>
    public QInputs Inputs(long start, long length) => new(
        Observations.narrow(1, start, length), PreviousActions.narrow(1, start, length),
        PreviousExtrinsic.narrow(1, start, length), PreviousIntrinsic.narrow(1, start, length), Policies);

    public void Dispose()
    {
        foreach (var t in new[] { Observations, Actions, PreviousActions, Extrinsic, Intrinsic, PreviousExtrinsic, PreviousIntrinsic, Terminal, Mask, Policies, InitialH, InitialC, Weights })
            t.Dispose();
        Behaviour?.Dispose();
    }
}
