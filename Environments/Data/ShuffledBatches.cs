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
/// Mini-batches without replacement, epoch by epoch, where epoch e's order is a permutation drawn from a
/// generator seeded by (seed, e). The batch of step s is a function of (seed, s) alone, so a run resumed
/// at step k sees exactly the batches an uninterrupted run sees after k. An incomplete last batch of an
/// epoch is dropped.
/// </summary>
public static class ShuffledBatches
{
    /// <summary>The batches of steps <paramref name="firstStep"/>..<paramref name="lastStep"/> (1-based, inclusive).</summary>
    public static IEnumerable<IndexedBatch> ForSteps(Tensor inputs, Tensor labels, int batchSize, int seed, long firstStep, long lastStep)
    {
        var n = inputs.shape[0];
        if (labels.shape[0] != n) throw new ArgumentException($"{n} inputs but {labels.shape[0]} labels");
        if (batchSize < 1 || batchSize > n) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in [1, {n}]");
        var perEpoch = n / batchSize;
        long loadedEpoch = -1;
        Tensor? order = null;
        try
        {
            for (var step = Math.Max(1, firstStep); step <= lastStep; step++)
            {
                var epoch = (step - 1) / perEpoch;
                if (epoch != loadedEpoch)
                {
                    order?.Dispose();
                    order = EpochOrder(n, seed, epoch).to(inputs.device);
                    loadedEpoch = epoch;
                }
                using var rows = order!.narrow(0, (step - 1) % perEpoch * batchSize, batchSize);
                yield return new IndexedBatch(step, inputs.index_select(0, rows), labels.index_select(0, rows));
            }
        }
        finally
        {
            order?.Dispose();
        }
    }

    static Tensor EpochOrder(long n, int seed, long epoch)
    {
        // SplitMix-style mixing keeps nearby (seed, epoch) pairs from giving related streams.
        var mixed = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)epoch * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL);
        using var generator = new Generator(mixed);
        return randperm(n, generator: generator);
    }
}
