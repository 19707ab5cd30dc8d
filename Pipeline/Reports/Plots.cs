using Pipeline.Runs;

namespace Pipeline.Reports;

/// <summary>One PNG per metric (plots/&lt;metric&gt;.png), every phase that reports it as its own line.</summary>
public static class Plots
{
    public static IReadOnlyList<string> WriteCurves(IReadOnlyList<MetricPoint> points, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var metric in points.GroupBy(p => p.Metric))
        {
            var plot = new ScottPlot.Plot();
            foreach (var phase in metric.GroupBy(p => p.Phase))
            {
                var series = phase.OrderBy(p => p.Step).ToArray();
                var line = plot.Add.ScatterLine(series.Select(p => (double)p.Step).ToArray(), series.Select(p => p.Value).ToArray());
                line.LegendText = phase.Key;
                line.MarkerSize = series.Length <= 50 ? 5 : 0;
            }
            plot.Title(metric.Key);
            plot.XLabel("step");
            plot.YLabel(metric.Key);
            plot.ShowLegend();
            var path = Path.Combine(directory, $"{Safe(metric.Key)}.png");
            plot.SavePng(path, 800, 500);
            written.Add(path);
        }
        return written;
    }

    static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
