using Pipeline.Runs;

namespace Pipeline.Reproductions.Urnn;

/// <summary>One sub-run's held-out metric by evaluation step, read back from its metrics.jsonl.</summary>
sealed record EvalCurve(double[] Steps, double[] Values)
{
    public static EvalCurve Read(RunOutcome outcome, string metric)
    {
        var points = MetricsLog.Read(outcome.Directory.MetricsJsonl).Where(p => p.Phase == "eval" && p.Metric == metric).OrderBy(p => p.Step).ToList();
        return new EvalCurve(points.Select(p => (double)p.Step).ToArray(), points.Select(p => p.Value).ToArray());
    }

    public double Last => Values[^1];

    /// <summary>The first evaluation step where the value passes <paramref name="reached"/>, or a note that none did.</summary>
    public object FirstStep(Func<double, bool> reached)
    {
        var index = Array.FindIndex(Values, v => reached(v));
        return index < 0 ? "not within budget" : (long)Steps[index];
    }
}
