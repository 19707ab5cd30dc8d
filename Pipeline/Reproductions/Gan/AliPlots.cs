using Pipeline.Reports;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Gan;

/// <summary>
/// Scatter plots of the ALI mixture experiment as its plot script draws them (gan.md 4.2): x space on [-6, 6]^2,
/// z space on [-4, 4]^2.
/// </summary>
public static class AliPlots
{
    public const double DataLimit = 6, LatentLimit = 4;

    /// <summary>Point sets in the given colours, drawn in order (later ones on top).</summary>
    public static void Scatter(string path, string title, double limit, params (string Label, Tensor Points, ScottPlot.Color Color)[] series)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (label, points, color) in series) GanPlots.AddPoints(plot, points, color, label);
        Finish(plot, path, title, limit, legend: true);
    }

    /// <summary>
    /// Points coloured by a mode index (one colour per component of the mixture, cycling through 20 colours), over
    /// grey <paramref name="background"/> points: the ALI paper's Fig. 8 picture of q(z) coloured by the mode of x.
    /// </summary>
    public static void ByMode(string path, string title, double limit, Tensor points, Tensor modes, Tensor? background, string backgroundLabel)
    {
        var plot = new ScottPlot.Plot();
        if (background is not null) GanPlots.AddPoints(plot, background, ScottPlot.Colors.LightGray, backgroundLabel);
        using var index = modes.cpu().to_type(ScalarType.Int64);
        var modeOf = index.data<long>().ToArray();
        var palette = new ScottPlot.Palettes.Category20();
        foreach (var mode in modeOf.Distinct().Order())
        {
            using var rows = tensor(Enumerable.Range(0, modeOf.Length).Where(i => modeOf[i] == mode).Select(i => (long)i).ToArray());
            using var subset = points.cpu().index_select(0, rows);
            GanPlots.AddPoints(plot, subset, palette.GetColor((int)mode), null);
        }
        Finish(plot, path, title, limit, legend: background is not null);
    }

    static void Finish(ScottPlot.Plot plot, string path, string title, double limit, bool legend)
    {
        plot.Axes.SetLimits(-limit, limit, -limit, limit);
        plot.Title(title);
        if (legend) plot.ShowLegend();
        plot.SavePng(path, 600, 600);
    }
}
