namespace Pipeline.Reproductions.SaddleFree;

/// <summary>Paths of optimizers over the loss surface of a 2-D saddle problem.</summary>
public static class SaddlePlots
{
    const double Lo = -1.5, Hi = 1.5;

    /// <summary>f on [-1.5, 1.5]^2 as a heat map (clipped to [-2, 2] so the saddle's neighbourhood keeps its contrast), one line per method.</summary>
    public static void Paths(string path, string title, string problem, IEnumerable<(string Name, double[] X, double[] Y)> series)
    {
        Func<double, double, double> f = problem == "monkey" ? (x, y) => x * x * x - 3 * x * y * y : (x, y) => x * x - y * y;
        const int n = 121;
        var heat = new double[n, n];
        for (var row = 0; row < n; row++)
            for (var col = 0; col < n; col++)
                heat[row, col] = Math.Clamp(f(Lo + (Hi - Lo) * col / (n - 1), Hi - (Hi - Lo) * row / (n - 1)), -2, 2);

        var plot = new ScottPlot.Plot();
        var map = plot.Add.Heatmap(heat);
        map.Extent = new ScottPlot.CoordinateRect(Lo, Hi, Lo, Hi);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map).Label = "f (clipped to [-2, 2])";
        foreach (var (name, x, y) in series)
        {
            var line = plot.Add.ScatterLine(x, y);
            line.LegendText = name;
            line.MarkerSize = 6;
            line.LineWidth = 2;
        }
        plot.Axes.SetLimits(Lo, Hi, Lo, Hi);
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("y");
        plot.ShowLegend();
        plot.SavePng(path, 800, 700);
    }
}
