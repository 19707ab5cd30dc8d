using static TorchSharp.torch;

namespace Pipeline.Environments.Data.Toy;

/// <summary>
/// Training batches of the ALI mixture addressed by batch index: the fixed 100,000-point set (drawn once from
/// <c>dataSeed</c>, the same for every run as in the reference, which uses Fuel's default seed) read in an
/// epoch-by-epoch shuffle seeded by the run's seed, so batch b is a function of (seeds, b) and a resumed run sees
/// the same data.
/// </summary>
public sealed class AliMixtureSampler : IDisposable
{
    readonly Tensor points;
    readonly EpochShuffler shuffler;

    public AliMixtureSampler(int batchSize, int seed, int dataSeed)
    {
        using var generator = new Generator(SeedMix.Mix(dataSeed, 0, stream: 41));
        points = AliMixture.Draw(AliMixture.Points, generator).DetachFromDisposeScope();
        shuffler = new EpochShuffler(AliMixture.Points, batchSize, seed);
    }

    /// <summary>Batch <paramref name="index"/> (0-based), batch x 2 float32.</summary>
    public Tensor Batch(long index)
    {
        using var rows = shuffler.Rows(index);
        return points.index_select(0, rows);
    }

    /// <summary>
    /// Fresh points of the true mixture (not the training set) from <paramref name="seed"/>, for held-out metrics.
    /// </summary>
    public static Tensor Fresh(int count, ulong seed)
    {
        using var generator = new Generator(seed);
        return AliMixture.Draw(count, generator);
    }

    public void Dispose()
    {
        points.Dispose();
        shuffler.Dispose();
    }
}
