using System.Globalization;

namespace Pipeline.Stages.Replay;

/// <summary>
/// Reverb's rate limiter arguments (irm_ngu.md 3.1): samples per insert (spi), the table size below which no
/// sample is allowed, and the band [MinDiff, MaxDiff] that inserts·spi − samples must stay in. Build it with
/// <see cref="MinSize"/>, <see cref="SampleToInsertRatio(double, int, double)"/> or <see cref="Queue"/>, which
/// validate exactly as Reverb's Python constructors do (ArgumentException where Reverb raises ValueError).
/// </summary>
public sealed record RateLimiterOptions
{
    RateLimiterOptions(double samplesPerInsert, int minSizeToSample, double minDiff, double maxDiff, string? warning) =>
        (SamplesPerInsert, MinSizeToSample, MinDiff, MaxDiff, Warning) = (samplesPerInsert, minSizeToSample, minDiff, maxDiff, warning);

    public double SamplesPerInsert { get; }

    public int MinSizeToSample { get; }

    public double MinDiff { get; }

    public double MaxDiff { get; }

    /// <summary>Reverb's logged warning, when the arguments can deadlock a sampler that cannot run concurrently; null otherwise.</summary>
    public string? Warning { get; }

    /// <summary>Blocks sampling until the table holds <paramref name="minSizeToSample"/> items; never blocks inserts.</summary>
    public static RateLimiterOptions MinSize(int minSizeToSample) =>
        minSizeToSample >= 1
            ? new(1, minSizeToSample, double.NegativeInfinity, double.PositiveInfinity, null)
            : throw new ArgumentOutOfRangeException(nameof(minSizeToSample), minSizeToSample, $"min_size_to_sample ({minSizeToSample}) must be a positive integer");

    /// <summary>
    /// Keeps inserts·spi − samples within spi·min_size ± <paramref name="errorBuffer"/>: the learner samples each item
    /// about <paramref name="samplesPerInsert"/> times on average.
    /// </summary>
    public static RateLimiterOptions SampleToInsertRatio(double samplesPerInsert, int minSizeToSample, double errorBuffer) =>
        Ratio(samplesPerInsert, minSizeToSample, samplesPerInsert * minSizeToSample - errorBuffer, samplesPerInsert * minSizeToSample + errorBuffer);

    /// <summary>The tuple form of Reverb's error_buffer: (min_diff, max_diff) used as given.</summary>
    public static RateLimiterOptions SampleToInsertRatio(double samplesPerInsert, int minSizeToSample, (double MinDiff, double MaxDiff) errorBuffer) =>
        Ratio(samplesPerInsert, minSizeToSample, errorBuffer.MinDiff, errorBuffer.MaxDiff);

    /// <summary>Every item sampled exactly once, at most <paramref name="size"/> waiting (use with <see cref="Sampler.Fifo"/> and max_times_sampled 1).</summary>
    public static RateLimiterOptions Queue(int size) =>
        size >= 1 ? new(1, 1, 0, size, null)
        : throw new ArgumentOutOfRangeException(nameof(size), size, $"queue size ({size}) must be a positive integer");

    static RateLimiterOptions Ratio(double spi, int minSize, double minDiff, double maxDiff)
    {
        if (minSize < 1)
            throw new ArgumentOutOfRangeException("min_size_to_sample", minSize, $"min_size_to_sample ({minSize}) must be a positive integer");
        if (!(spi > 0) || !double.IsFinite(spi))
            throw new ArgumentOutOfRangeException("samples_per_insert", spi, $"samples_per_insert ({spi}) must be a finite number > 0");
        if (double.IsNaN(minDiff) || double.IsNaN(maxDiff))
            throw new ArgumentException("error_buffer must not be NaN", "error_buffer");
        if (maxDiff - minDiff < 2 * Math.Max(1.0, spi))
            throw new ArgumentException(Text($"The size of error_buffer must be >= max(1.0, samples_per_insert) as smaller values could completely block samples and/or insert calls (max_diff {maxDiff} - min_diff {minDiff} = {maxDiff - minDiff} < 2 * max(1.0, {spi}))."), "error_buffer");
        if (minDiff > spi * minSize)
            throw new ArgumentException(Text($"The range covered by error_buffer is above samples_per_insert * min_size_to_sample. This will result in a deadlock as soon as min_size_to_sample items have been inserted (min_diff {minDiff} > {spi} * {minSize})."), "error_buffer");
        var warning = maxDiff < spi * minSize
            ? Text($"The range covered by error_buffer is below samples_per_insert * min_size_to_sample. If the sampler cannot sample concurrently, this will result in a deadlock as soon as min_size_to_sample items have been inserted (max_diff {maxDiff} < {spi} * {minSize}).")
            : null;
        return new(spi, minSize, minDiff, maxDiff, warning);
    }

    /// <summary>Reverb's CanSample(n) for these counters (a sharded table applies it to the sum over its shards).</summary>
    public bool AllowsSample(LimiterCounters counters, int n) =>
        counters.Size >= MinSizeToSample && counters.Inserts * SamplesPerInsert - counters.Samples - n >= MinDiff;

    /// <summary>Reverb's CanInsert(n) for these counters.</summary>
    public bool AllowsInsert(LimiterCounters counters, int n) =>
        counters.Inserts + n - counters.Deletes <= MinSizeToSample || (counters.Inserts + n) * SamplesPerInsert - counters.Samples <= MaxDiff;

    static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public override string ToString() =>
        Text($"spi={SamplesPerInsert:R} min_size={MinSizeToSample} min_diff={MinDiff:R} max_diff={MaxDiff:R}");
}
