using System.Globalization;

namespace Pipeline.Stages.Replay;

/// <summary>The counters a rate limiter decides by (checkpointed with the table, as in Reverb).</summary>
public readonly record struct LimiterCounters(long Inserts, long Samples, long Deletes)
{
    public long Size => Inserts - Deletes;
}

/// <summary>
/// Reverb's rate limiter (irm_ngu.md 3.1), exactly:
/// CanSample(n): inserts − deletes ≥ min_size_to_sample and inserts·spi − samples − n ≥ min_diff;
/// CanInsert(n): inserts + n − deletes ≤ min_size_to_sample, or else (inserts + n)·spi − samples ≤ max_diff.
/// Not thread-safe: the table calls it under its lock.
/// </summary>
sealed class RateLimiter(RateLimiterOptions options)
{
    public RateLimiterOptions Options { get; } = options;

    public long Inserts { get; set; }

    public long Samples { get; set; }

    public long Deletes { get; set; }

    public LimiterCounters Counters => new(Inserts, Samples, Deletes);

    public bool CanSample(int n) => Options.AllowsSample(Counters, n);

    public bool CanInsert(int n) => Options.AllowsInsert(Counters, n);

    /// <summary>The largest k ≤ <paramref name="wanted"/> with CanInsert(k); both clauses only get harder as k grows.</summary>
    public int InsertsAllowed(int wanted)
    {
        if (CanInsert(wanted)) return wanted;
        int low = 0, high = wanted; // CanInsert(low) holds (or low = 0), CanInsert(high) does not
        while (high - low > 1)
        {
            var middle = low + (high - low) / 2;
            if (CanInsert(middle)) low = middle;
            else high = middle;
        }
        return low;
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"inserts {Inserts}, samples {Samples}, deletes {Deletes}, size {Inserts - Deletes}; inserts*spi - samples = {Inserts * Options.SamplesPerInsert - Samples:R}; limiter {Options}");
}
