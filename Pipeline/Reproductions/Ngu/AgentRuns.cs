using Pipeline.Recipes;
using Pipeline.Runs;

namespace Pipeline.Reproductions.Ngu;

/// <summary>The three agents the NGU reproductions compare, and how to read an agent run's actor metrics.</summary>
static class AgentRuns
{
    /// <summary>(label, intrinsic setting): NGU, NGU with a fixed random embedding (the paper's ablation), R2D2 (no intrinsic reward).</summary>
    public static readonly (string Label, string Intrinsic)[] Agents =
        [("NGU (learned embedding)", "learned"), ("NGU (random embedding)", "random-embedding"), ("R2D2 (no intrinsic reward)", "none")];

    /// <summary>
    /// Runs <paramref name="recipe"/> and returns its actor metrics and its evaluations (phase "eval", the policy with the
    /// evaluation epsilon) by name, each as (learner step, value) in order, and its directory.
    /// </summary>
    public static async Task<(Dictionary<string, (double Step, double Value)[]> Metrics, Dictionary<string, (double Step, double Value)[]> Evaluations, string Directory)>
        Run(ReproductionContext context, string recipe, string subdirectory, IReadOnlyList<string> assignments, long steps, CancellationToken cancellation)
    {
        var outcome = await context.Train(RecipeRegistry.Find(recipe)!, subdirectory, assignments, context.Seed, steps, cancellation);
        var points = MetricsLog.Read(outcome.Directory.MetricsJsonl);
        return (ByMetric(points, "actors"), ByMetric(points, "eval"), outcome.Directory.Path);
    }

    static Dictionary<string, (double Step, double Value)[]> ByMetric(IEnumerable<MetricPoint> points, string phase) => points
        .Where(p => p.Phase == phase)
        .GroupBy(p => p.Metric)
        .ToDictionary(g => g.Key, g => g.Select(p => ((double)p.Step, p.Value)).ToArray());

    /// <summary>A metric's (steps, values) as a plot curve, values times <paramref name="scale"/>; empty when it was not logged.</summary>
    public static (string, double[], double[]) Curve(string label, Dictionary<string, (double Step, double Value)[]> metrics, string name, double scale = 1)
    {
        var values = metrics.GetValueOrDefault(name) ?? [];
        return (label, values.Select(p => p.Step).ToArray(), values.Select(p => scale * p.Value).ToArray());
    }

    /// <summary>The mean of a metric over the last quarter of its reports (the agent's end-of-budget behaviour).</summary>
    public static double Final(Dictionary<string, (double Step, double Value)[]> metrics, string name)
    {
        var values = metrics.TryGetValue(name, out var v) ? v : [];
        if (values.Length == 0) return double.NaN;
        var tail = values.Skip(values.Length * 3 / 4).ToArray();
        return tail.Average(p => p.Value);
    }

    public static double Last(Dictionary<string, (double Step, double Value)[]> metrics, string name) =>
        metrics.TryGetValue(name, out var v) && v.Length > 0 ? v[^1].Value : double.NaN;
}
