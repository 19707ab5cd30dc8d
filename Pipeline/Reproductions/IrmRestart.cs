using Pipeline.Runs;

namespace Pipeline.Reproductions;

/// <summary>One finished restart of one method: where it ran, its final accuracies (percent) and its logged points.</summary>
public sealed record IrmRestart(string Method, int Restart, int Seed, string Directory, double TrainAcc, double TestAcc, IReadOnlyList<MetricPoint> Points)
{
    /// <summary>The value of <paramref name="metric"/> in <paramref name="phase"/> at every logged step.</summary>
    public IReadOnlyDictionary<long, double> Series(string phase, string metric) =>
        Points.Where(p => p.Phase == phase && p.Metric == metric).ToDictionary(p => p.Step, p => p.Value);
}

/// <summary>Mean and population standard deviation (the reference's np.std) of a sample.</summary>
public readonly record struct MeanStd(double Mean, double Std, int Count)
{
    public static MeanStd Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new MeanStd(double.NaN, double.NaN, 0);
        var mean = values.Average();
        return new MeanStd(mean, Math.Sqrt(values.Average(v => (v - mean) * (v - mean))), values.Count);
    }
}
