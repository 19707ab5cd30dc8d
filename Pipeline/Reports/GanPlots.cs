using Pipeline.Algorithms.Gan;
using static TorchSharp.torch;

namespace Pipeline.Reports;

/// <summary>Pictures of 2-D adversarial runs: samples over the real data on the critic's value, and curves.</summary>
public static class GanPlots
{
    /// <summary>
    /// The critic's value on a 128 x 128 grid over [-3, 3]^2 as a heat map, real points orange, generated points
    /// green (the WGAN-GP toy code's picture, gan.md 2.3).
    /// </summary>
    public static void SamplesOverCritic(AdversarialState state, Tensor real, Tensor generated, string title, string path)
    {
        const int n = 128;
        const double lo = -3, hi = 3;
        var axis = Enumerable.Range(0, n).Select(i => lo + (hi - lo) * i / (n - 1)).ToArray();
        var grid = new float[n * n * 2];
        for (var row = 0; row < n; row++)
            for (var col = 0; col < n; col++)
                (grid[(row * n + col) * 2], grid[(row * n + col) * 2 + 1]) = ((float)axis[col], (float)axis[n - 1 - row]);
        using var points = tensor(grid, [n * n, 2]).to(state.Device);
        using var values = GanSampling.CriticValues(state, points).cpu();
        var flat = values.data<float>().ToArray();
        var heat = new double[n, n];
        for (var row = 0; row < n; row++) for (var col = 0; col < n; col++) heat[row, col] = flat[row * n + col];

        var plot = new ScottPlot.Plot();
        var map = plot.Add.Heatmap(heat);
        map.Extent = new ScottPlot.CoordinateRect(lo, hi, lo, hi);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map).Label = "critic value";
        AddPoints(plot, real, ScottPlot.Colors.Orange, "real");
        AddPoints(plot, generated, ScottPlot.Colors.LimeGreen, "generated");
        plot.Axes.SetLimits(lo, hi, lo, hi);
        plot.Title(title);
        plot.ShowLegend();
        plot.SavePng(path, 700, 600);
    }

    /// <summary>Adds the rows of an [N, 2] tensor as small markers; <paramref name="label"/> null leaves them out of the legend.</summary>
    internal static void AddPoints(ScottPlot.Plot plot, Tensor points, ScottPlot.Color color, string? label)
    {
        using var cpu = points.to_type(ScalarType.Float64).cpu();
        var xy = cpu.data<double>().ToArray();
        var scatter = plot.Add.ScatterPoints(
            Enumerable.Range(0, xy.Length / 2).Select(i => xy[2 * i]).ToArray(),
            Enumerable.Range(0, xy.Length / 2).Select(i => xy[2 * i + 1]).ToArray(), color);
        scatter.MarkerSize = 2;
        if (label is not null) scatter.LegendText = label;
    }

    /// <summary>Several named series against one x axis, optionally with a log-scaled y axis (values must be positive then).</summary>
    public static void Curves(string path, string title, string xLabel, string yLabel, bool logY,
        IEnumerable<(string Name, double[] X, double[] Y)> series)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (name, x, y) in series)
        {
            var ys = logY ? y.Select(v => Math.Log10(Math.Max(v, 1e-30))).ToArray() : y;
            var line = plot.Add.ScatterLine(x, ys);
            line.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"log10 {yLabel}" : yLabel);
        plot.ShowLegend();
        plot.SavePng(path, 800, 500);
    }
}
