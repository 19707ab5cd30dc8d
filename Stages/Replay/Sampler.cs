using System.Globalization;

namespace Pipeline.Stages.Replay;

/// <summary>How a table picks the items it samples (Reverb's selectors used as samplers).</summary>
public abstract record Sampler
{
    /// <summary>Every item equally likely.</summary>
    public static Sampler Uniform { get; } = new UniformSampler();

    /// <summary>The oldest item (Reverb's Fifo selector; with max_times_sampled 1 and <see cref="RateLimiterOptions.Queue"/> a queue).</summary>
    public static Sampler Fifo { get; } = new FifoSampler();

    /// <summary>P(i) ∝ priority_i^exponent (Reverb's Prioritized; R2D2 uses 0.9). Reverb advises exponents below about 2 (rounding).</summary>
    public static Sampler Prioritized(double exponent) =>
        double.IsFinite(exponent) && exponent >= 0 ? new PrioritizedSampler(exponent)
        : throw new ArgumentOutOfRangeException(nameof(exponent), exponent, $"priority exponent {exponent} must be finite and at least 0");

    /// <summary>The sum-tree weight of an item of this priority.</summary>
    internal abstract double Weight(double priority);
}

sealed record UniformSampler : Sampler
{
    internal override double Weight(double priority) => 1;

    public override string ToString() => "uniform";
}

sealed record FifoSampler : Sampler
{
    internal override double Weight(double priority) => 1;

    public override string ToString() => "fifo";
}

sealed record PrioritizedSampler(double Exponent) : Sampler
{
    internal override double Weight(double priority) => Math.Pow(priority, Exponent);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"prioritized({Exponent:R})");
}
