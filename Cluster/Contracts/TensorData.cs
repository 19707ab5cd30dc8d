using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Cluster.Contracts;

/// <summary>A float32 tensor as plain data (its shape and values in row-major order); Orleans cannot carry a Tensor.</summary>
[GenerateSerializer, Immutable]
public sealed record TensorData([property: Id(0)] long[] Shape, [property: Id(1)] float[] Values)
{
    public static TensorData From(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        return new TensorData(cpu.shape, cpu.data<float>().ToArray());
    }

    /// <summary>A new tensor on <paramref name="device"/> (the caller owns it).</summary>
    public Tensor ToTensor(Device device)
    {
        if (Values.LongLength != Shape.Aggregate(1L, (a, d) => a * d))
            throw new ArgumentException($"tensor data has {Values.Length} values but shape [{string.Join(", ", Shape)}]");
        using var scope = NewDisposeScope();
        return tensor(Values, Shape).to(device).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A versioned set of parameters (a learner's snapshot) as plain data, with the priority new replay items should get
/// (the recent maximum of the learner's priorities: actors elsewhere cannot see it otherwise).
/// </summary>
/// <param name="Epoch">which start of the learner published it: a learner that restarts from an older checkpoint
/// publishes lower versions under a new epoch, which replace the abandoned ones.</param>
[GenerateSerializer, Immutable]
public sealed record SnapshotData([property: Id(0)] long Version, [property: Id(1)] TensorData[] Tensors, [property: Id(2)] string Publisher,
    [property: Id(3)] double InsertPriority = 1.0, [property: Id(4)] Guid Epoch = default);
