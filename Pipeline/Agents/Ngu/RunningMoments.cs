namespace Pipeline.Agents.Ngu;

/// <summary>
/// Exponentially weighted mean and standard deviation, RND's error normaliser mu_e, sigma_e (NGU section 2 gives no
/// averaging rate). Weighted rather than cumulative: the predictor's error falls by orders of magnitude as it learns,
/// and a cumulative mean would stay above every current error and clip alpha to 1 for ever.
/// </summary>
public sealed class RunningMoments(double decay)
{
    double mean, variance;

    public long Count { get; private set; }
    public double Mean => mean;
    public double Variance => variance;
    public double StandardDeviation => Math.Sqrt(variance);

    /// <summary>Continues from saved moments (a resumed run's actors).</summary>
    public void Restore(long count, double savedMean, double savedVariance)
    {
        if (count < 0 || !double.IsFinite(savedMean) || !double.IsFinite(savedVariance) || savedVariance < 0)
            throw new ArgumentException($"saved RND moments (count {count}, mean {savedMean}, variance {savedVariance}) are not valid moments");
        (Count, mean, variance) = (count, savedMean, savedVariance);
    }

    public void Add(double value)
    {
        if (Count++ == 0)
        {
            mean = value;
            return;
        }
        var delta = value - mean;
        mean += (1 - decay) * delta;
        variance = decay * (variance + (1 - decay) * delta * delta);
    }
}
