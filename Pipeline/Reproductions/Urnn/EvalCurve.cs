using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;

namespace Pipeline.Reproductions.Urnn;

/// <summary>One sub-run's held-out metrics by evaluation step, read back from its metrics.jsonl.</summary>
sealed record EvalCurve(IReadOnlyList<MetricPoint> Points, long? DivergedAt)
{
    /// <summary>
    /// Trains a sub-run; a run stopped by a non-finite metric (the IRNN blows up at the paper's learning rate, as the
    /// paper reports) is kept as a curve up to its last finite evaluation instead of ending the reproduction.
    /// </summary>
    public static async Task<EvalCurve> Train(ReproductionContext context, string recipe, string subdirectory, IReadOnlyList<string> assignments,
        long steps, CancellationToken cancellation)
    {
        try
        {
            var outcome = await context.Train(RecipeRegistry.Find(recipe)!, subdirectory, assignments, context.Seed, steps, cancellation);
            return new EvalCurve(Read(outcome.Directory.MetricsJsonl), null);
        }
        catch (StageFailedException e) when (e.InnerException is NonFiniteMetricException diverged)
        {
            context.Log($"{subdirectory}: diverged at step {diverged.Step}");
            return new EvalCurve(Read(RunDirectory.Open(context.PathOf(subdirectory)).MetricsJsonl), diverged.Step);
        }
    }

    static List<MetricPoint> Read(string path) => MetricsLog.Read(path).Where(p => p.Phase == "eval").OrderBy(p => p.Step).ToList();

    public double[] Steps(string metric) => Points.Where(p => p.Metric == metric).Select(p => (double)p.Step).ToArray();

    public double[] Values(string metric) => Points.Where(p => p.Metric == metric).Select(p => p.Value).ToArray();

    /// <summary>The last evaluation's value, or "diverged at step s" (NaN when there was none before it).</summary>
    public object Last(string metric) => DivergedAt is { } step ? $"diverged at step {step}" : Values(metric) is { Length: > 0 } v ? v[^1] : double.NaN;

    public double Best(string metric, bool lowest) => Values(metric) is { Length: > 0 } v ? (lowest ? v.Min() : v.Max()) : double.NaN;

    /// <summary>The first evaluation step where the value passes <paramref name="reached"/>, or a note that none did.</summary>
    public object FirstStep(string metric, Func<double, bool> reached)
    {
        var index = Array.FindIndex(Values(metric), v => reached(v));
        return index < 0 ? "not within budget" : (long)Steps(metric)[index];
    }
}
