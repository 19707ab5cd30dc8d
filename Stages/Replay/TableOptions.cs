using System.Globalization;

namespace Pipeline.Stages.Replay;

/// <summary>
/// A table's arguments (Reverb's Table(sampler, remover = Fifo, max_size, rate_limiter, max_times_sampled)).
/// The remover is always Fifo: at capacity the oldest item makes room. A checkpoint can only be restored into
/// a table with the same arguments.
/// </summary>
/// <param name="Layout">the columns of every item.</param>
/// <param name="Capacity">max_size: items held at most.</param>
/// <param name="Sampler">uniform, fifo or prioritized(exponent).</param>
/// <param name="RateLimiter">when inserts and samples may proceed.</param>
/// <param name="MaxTimesSampled">an item is deleted once sampled this often; 0 (or less) = unlimited, as in Reverb.</param>
/// <param name="ImportanceExponent">beta of the importance weights (R2D2: 0.6).</param>
/// <param name="Seed">seed of the table's own random stream (sampling).</param>
public sealed record TableOptions(
    ItemLayout Layout,
    int Capacity,
    Sampler Sampler,
    RateLimiterOptions RateLimiter,
    int MaxTimesSampled = 0,
    double ImportanceExponent = 0.6,
    long Seed = 0)
{
    /// <summary>Throws an ArgumentException naming the first bad argument; returns the options otherwise.</summary>
    public TableOptions Validate()
    {
        if (Capacity < 1) throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, $"table capacity {Capacity} must be at least 1");
        // Storage is allocated up front but touched as items arrive: a table larger than memory would be killed by the
        // kernel hours into a run, so it is refused here, before any work.
        var (needed, available) = (StorageBytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        if (needed > available)
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity,
                string.Create(CultureInfo.InvariantCulture,
                    $"table capacity {Capacity} items of {Layout.ItemBytes:N0} bytes needs {needed / 1e9:F1} GB, more than the {available / 1e9:F1} GB of memory available; lower the capacity"));
        if (!double.IsFinite(ImportanceExponent) || ImportanceExponent < 0)
            throw new ArgumentOutOfRangeException(nameof(ImportanceExponent), ImportanceExponent, $"importance exponent {ImportanceExponent} must be finite and at least 0");
        return this;
    }

    /// <summary>Bytes of item storage the table allocates (capacity times the layout's item size).</summary>
    public long StorageBytes => Capacity * Layout.ItemBytes;

    /// <summary>The arguments a checkpoint must match, by name (the seed is not one: the random stream is restored).</summary>
    internal IReadOnlyList<(string Name, string Value)> Arguments() =>
    [
        ("layout", Layout.ToString()),
        ("capacity", Capacity.ToString(CultureInfo.InvariantCulture)),
        ("sampler", Sampler.ToString()!),
        ("remover", "fifo"),
        ("rate_limiter", RateLimiter.ToString()),
        ("max_times_sampled", Math.Max(0, MaxTimesSampled).ToString(CultureInfo.InvariantCulture)),
        ("importance_exponent", ImportanceExponent.ToString("R", CultureInfo.InvariantCulture)),
    ];
}
