using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Stages.Replay;
using static TorchSharp.torch;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// How NGU's steps are stored in replay and turned back into a <see cref="SequenceBatch"/>: one column per network input
/// and per target ingredient; sequences of <see cref="NguConfig.SequenceLength"/> steps every
/// <see cref="NguConfig.ReplayPeriod"/> steps, with the LSTM state (h, c) at the first step. Every step keeps the
/// probability mu(a_t | x_t) its action had under the actor's epsilon-greedy policy (for an epsilon-greedy Retrace
/// target).
/// </summary>
public static class NguSequences
{
    public const int Observation = 0, PreviousAction = 1, PreviousExtrinsic = 2, PreviousIntrinsic = 3,
        Action = 4, Extrinsic = 5, Intrinsic = 6, Terminal = 7, Policy = 8, Behaviour = 9;

    public static SequenceLayout Layout(NguConfig config) => new(
        new ItemLayout(
            new ColumnSpec("observation", config.Spec.ByteObservations ? ElementType.UInt8 : ElementType.Float32, config.Spec.ObservationShape),
            new ColumnSpec("previous_action", ElementType.Int32),
            new ColumnSpec("previous_extrinsic", ElementType.Float32),
            new ColumnSpec("previous_intrinsic", ElementType.Float32),
            new ColumnSpec("action", ElementType.Int32),
            new ColumnSpec("extrinsic", ElementType.Float32),
            new ColumnSpec("intrinsic", ElementType.Float32),
            new ColumnSpec("terminal", ElementType.Float32),
            new ColumnSpec("policy", ElementType.Int32),
            new ColumnSpec("behaviour_probability", ElementType.Float32)),
        config.SequenceLength, config.ReplayPeriod, 2, config.Hidden)
    {
        // A tail of burn-in steps or fewer trains nothing (the learner's loss starts after the burn-in).
        MinimumTail = Math.Min(config.BurnIn + 1, config.SequenceLength),
    };

    /// <summary>The first <see cref="SampleBatch.Count"/> sampled sequences as tensors on <paramref name="device"/>.</summary>
    public static SequenceBatch ToBatch(NguConfig config, SequenceLayout layout, SampleBatch sample, Device device)
    {
        var (b, t) = ((long)sample.Count, (long)config.SequenceLength);
        long[] steps = [b, t];
        Tensor Floats(int column, params long[] shape) => Copy(sample.Floats(column), shape, device);
        Tensor Longs(int column, params long[] shape)
        {
            using var ints = Copy(sample.Ints(column), shape, device);
            return ints.to_type(ScalarType.Int64);
        }
        using var state = Floats(layout.Step.Columns.Count + 1, b, 2, config.Hidden);
        using var policies = Longs(Policy, steps);
        return new SequenceBatch(
            Observations(config, sample, [.. steps, .. config.Spec.ObservationShape.Select(d => (long)d)], device),
            Longs(Action, steps), Longs(PreviousAction, steps),
            Floats(Extrinsic, steps), Floats(Intrinsic, steps), Floats(PreviousExtrinsic, steps), Floats(PreviousIntrinsic, steps),
            Floats(Terminal, steps), Floats(layout.Step.Columns.Count, steps),
            policies.select(1, 0).clone(), state.select(1, 0).clone(), state.select(1, 1).clone(),
            Copy(sample.Weights.AsSpan(0, (int)b).ToArray().Select(w => (float)w).ToArray(), [b], device),
            Floats(Behaviour, steps));
    }

    /// <summary>Float observations; bytes k become k / 255 on the device (a quarter of the transfer), the floats the environment wrote.</summary>
    static Tensor Observations(NguConfig config, SampleBatch sample, long[] shape, Device device)
    {
        if (!config.Spec.ByteObservations) return Copy(sample.Floats(Observation), shape, device);
        using var bytes = Copy(sample.Bytes(Observation), shape, device);
        using var floats = bytes.to_type(ScalarType.Float32);
        return floats.div(Scalars.Of(ObservationBytes.Levels));
    }

    static Tensor Copy<T>(T[] values, long[] shape, Device device) where T : unmanaged
    {
        var count = (int)shape.Aggregate(1L, (a, d) => a * d);
        using var cpu = values switch
        {
            int[] ints => tensor(ints.AsSpan(0, count).ToArray(), shape),
            float[] floats => tensor(floats.AsSpan(0, count).ToArray(), shape),
            byte[] bytes => tensor(bytes.AsSpan(0, count).ToArray(), shape),
            _ => throw new ArgumentException($"unsupported column type {typeof(T)}"),
        };
        return cpu.to(device);
    }
}
