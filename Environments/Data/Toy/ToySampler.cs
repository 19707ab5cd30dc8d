using static TorchSharp.torch;

namespace Pipeline.Environments.Data.Toy;

/// <summary>
/// Real batches of a toy data set addressed by a global batch index (one per critic step), so the data of any
/// generator iteration is a function of (seed, index): 8gaussians and swissroll draw batch b from a generator
/// seeded by (seed, b); 25gaussians slices its fixed 100,000-point set in order, as the reference does.
/// </summary>
public sealed class ToySampler(ToyDataset dataset, int batchSize, int seed) : IDisposable
{
    readonly Tensor? grid = dataset == ToyDataset.TwentyFiveGaussians ? BuildGrid(seed) : null;

    public ToyDataset Dataset { get; } = dataset;

    static Tensor BuildGrid(int seed)
    {
        using var generator = new Generator(SeedMix.Mix(seed, 0, stream: 25));
        return ToyDatasets.TwentyFiveGaussiansDataset(generator).DetachFromDisposeScope();
    }

    public Tensor Batch(long index)
    {
        if (grid is not null) return ToyDatasets.TwentyFiveGaussiansBatch(grid, batchSize, index);
        using var generator = new Generator(SeedMix.Mix(seed, index, stream: 1));
        return Dataset == ToyDataset.EightGaussians ? ToyDatasets.EightGaussians(batchSize, generator) : ToyDatasets.SwissRoll(batchSize, generator);
    }

    /// <summary>Batches <paramref name="first"/>..first+count-1 stacked: count x batch x 2.</summary>
    public Tensor Batches(long first, int count)
    {
        using var scope = NewDisposeScope();
        return stack(Enumerable.Range(0, count).Select(i => Batch(first + i)).ToArray()).MoveToOuterDisposeScope();
    }

    /// <summary>Fresh samples of the true distribution (not the training stream), e.g. held-out data for metrics.</summary>
    public static Tensor Fresh(ToyDataset dataset, int count, ulong seed)
    {
        using var generator = new Generator(seed);
        if (dataset == ToyDataset.EightGaussians) return ToyDatasets.EightGaussians(count, generator);
        if (dataset == ToyDataset.SwissRoll) return ToyDatasets.SwissRoll(count, generator);
        using var all = ToyDatasets.TwentyFiveGaussiansDataset(generator);
        return all.narrow(0, 0, Math.Min(count, ToyDatasets.GridPoints)).clone();
    }

    public void Dispose() => grid?.Dispose();
}
