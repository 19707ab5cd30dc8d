using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Runs;

namespace Pipeline.Reproductions;

/// <summary>A table of a reproduction: named columns, rows of cells (numbers stay numbers in summary.json).</summary>
public sealed record ReportTable(string Name, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<object>> Rows);

/// <summary>
/// Collects what a reproduction reports (text, tables, figures) and writes report.md and summary.json, where
/// every table is kept by name so scripts and notebooks read the numbers without parsing markdown.
/// </summary>
public sealed class ReproductionReport(string title)
{
    readonly List<(string Kind, object Item)> parts = [];
    readonly List<ReportTable> tables = [];

    public string Title { get; } = title;

    public IReadOnlyList<ReportTable> Tables => tables;

    public ReproductionReport Text(string markdown)
    {
        parts.Add(("text", markdown));
        return this;
    }

    public ReproductionReport Table(ReportTable table)
    {
        tables.Add(table);
        parts.Add(("table", table));
        return this;
    }

    /// <param name="path">a PNG inside the reproduction's folder.</param>
    public ReproductionReport Figure(string path, string caption)
    {
        parts.Add(("figure", (path, caption)));
        return this;
    }

    public void Write(string directory, object header)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {Title}");
        md.AppendLine();
        foreach (var (kind, item) in parts)
        {
            switch (item)
            {
                case string text:
                    md.AppendLine(text);
                    break;
                case ReportTable table:
                    md.AppendLine(CultureInfo.InvariantCulture, $"**{table.Title}**");
                    md.AppendLine();
                    md.AppendLine("| " + string.Join(" | ", table.Columns) + " |");
                    md.AppendLine("|" + string.Concat(table.Columns.Select(_ => "---|")));
                    foreach (var row in table.Rows)
                        md.AppendLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
                    break;
                case (string path, string caption):
                    md.AppendLine(CultureInfo.InvariantCulture, $"![{caption}]({Path.GetRelativePath(directory, path)})");
                    md.AppendLine();
                    md.AppendLine(CultureInfo.InvariantCulture, $"*{caption}*");
                    break;
            }
            md.AppendLine();
            _ = kind;
        }
        AtomicFile.WriteAllText(Path.Combine(directory, "report.md"), md.ToString());
        var summary = new Dictionary<string, object>
        {
            ["header"] = header,
            ["tables"] = tables.ToDictionary(t => t.Name, t => (object)new { title = t.Title, columns = t.Columns, rows = t.Rows }),
        };
        AtomicFile.WriteAllText(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(summary, RunJson.Options));
    }

    static string Cell(object value) => value switch
    {
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        float f => f.ToString("G4", CultureInfo.InvariantCulture),
        null => "",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
