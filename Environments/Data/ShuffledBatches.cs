using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Environments.Data;

/// <summary>The batch of one training step: inputs and labels on the data's device, owned by the receiver.</summary>
public sealed record IndexedBatch(long Step, Tensor Inputs, Tensor Labels) : IDisposable
{
    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Mini-batches without replacement, epoch by epoch (<see cref="EpochShuffler"/>): the batch of step s is a
/// function of (seed, s) alone, so a run resumed at step k sees exactly the batches an uninterrupted run sees.
/// </summary>
public static class ShuffledBatches
{
    /// <summary>The batches of steps <paramref name="firstStep"/>..<paramref name="lastStep"/> (1-based, inclusive).</summary>
    public static IEnumerable<IndexedBatch> ForSteps(Tensor inputs, Tensor labels, int batchSize, int seed, long firstStep, long lastStep)
    {
        if (labels.shape[0] != inputs.shape[0]) throw new ArgumentException($"{inputs.shape[0]} inputs but {labels.shape[0]} labels");
        using var shuffler = new EpochShuffler(inputs.shape[0], batchSize, seed);
        for (var step = Math.Max(1, firstStep); step <= lastStep; step++)
        {
            using var rows = shuffler.Rows(step - 1).to(inputs.device);
            yield return new IndexedBatch(step, inputs.index_select(0, rows), labels.index_select(0, rows));
        }
    }
}
