namespace Pipeline.Reproductions;

/// <summary>
/// Per-step curves of the Colored MNIST reproduction, averaged over restarts: train accuracy and penalty at every
/// step, test accuracy at the logged steps; one PNG per quantity with a line per method. The x axis is the
/// reference's step index (our step s shows the model after s − 1 updates).
/// </summary>
public static class IrmCurves
{
    /// <summary>(file name, phase, metric, axis label, log10 scale).</summary>
    static readonly (string File, string Phase, string Metric, string Label, bool Log)[] Panels =
    [
        ("curves-train-acc.png", "train", "acc", "train accuracy (mean of the two training environments)", false),
        ("curves-test-acc.png", "test", "acc", "test accuracy", false),
        ("curves-penalty.png", "train", "penalty", "log10 IRMv1 penalty (training environments)", true),
    ];

    /// <summary>The mean over restarts of <paramref name="metric"/> at every step that every restart logged.</summary>
    public static IReadOnlyList<(long Step, double Mean)> Mean(IReadOnlyList<IrmRestart> restarts, string phase, string metric)
    {
        var series = restarts.Select(r => r.Series(phase, metric)).ToList();
        if (series.Count == 0) return [];
        return series[0].Keys.Where(step => series.All(s => s.ContainsKey(step))).Order()
            .Select(step => (step, series.Average(s => s[step]))).ToList();
    }

    /// <returns>(path, caption) of every figure written.</returns>
    public static IReadOnlyList<(string Path, string Caption)> Write(IReadOnlyDictionary<string, IReadOnlyList<IrmRestart>> byMethod, string directory)
    {
        var written = new List<(string, string)>();
        foreach (var (file, phase, metric, label, log) in Panels)
        {
            var plot = new ScottPlot.Plot();
            foreach (var (method, restarts) in byMethod)
            {
                var curve = Mean(restarts, phase, metric).Where(p => !log || p.Mean > 0).ToArray();
                if (curve.Length == 0) continue;
                var line = plot.Add.ScatterLine(
                    curve.Select(p => (double)(p.Step - 1)).ToArray(),
                    curve.Select(p => log ? Math.Log10(p.Mean) : p.Mean).ToArray());
                line.LegendText = $"{method} ({restarts.Count} restarts)";
                line.MarkerSize = 0;
            }
            plot.Title(label);
            plot.XLabel("step (reference index: updates done)");
            plot.YLabel(label);
            plot.ShowLegend(ScottPlot.Edge.Right);
            var path = Path.Combine(directory, file);
            plot.SavePng(path, 1000, 500);
            written.Add((path, $"{label}, mean over restarts, by step"));
        }
        return written;
    }
}
