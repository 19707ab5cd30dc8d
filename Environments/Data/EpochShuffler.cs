using static TorchSharp.torch;

namespace Pipeline.Environments.Data;

/// <summary>
/// Batch b of an epoch-by-epoch shuffle without replacement of n rows: epoch e's order is a permutation drawn from a
/// generator seeded by (seed, e), so any batch is a function of (seed, b) alone and a resumed run sees the same
/// data. An incomplete last batch of an epoch is dropped. Keeps the current epoch's order cached.
/// </summary>
public sealed class EpochShuffler(long rows, int batchSize, int seed) : IDisposable
{
    readonly long perEpoch = batchSize >= 1 && batchSize <= rows ? rows / batchSize
        : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in [1, {rows}]");
    long loadedEpoch = -1;
    Tensor? order;

    /// <summary>The row indices of batch <paramref name="batchIndex"/> (0-based), an int64 tensor the caller owns.</summary>
    public Tensor Rows(long batchIndex)
    {
        var epoch = batchIndex / perEpoch;
        if (epoch != loadedEpoch)
        {
            order?.Dispose();
            using var generator = new Generator(SeedMix.Mix(seed, epoch));
            order = randperm(rows, generator: generator).DetachFromDisposeScope();
            loadedEpoch = epoch;
        }
        return order!.narrow(0, batchIndex % perEpoch * batchSize, batchSize).clone();
    }

    public void Dispose() => order?.Dispose();
}
