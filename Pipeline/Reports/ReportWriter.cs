using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Algorithms.Core;
using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;

namespace Pipeline.Reports;

/// <summary>Writes plots/*.png, report.md and summary.json from what the run logged.</summary>
public static class ReportWriter
{
    /// <returns>the last value of every metric, by phase.</returns>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Write(
        RunDirectory directory, PreparedRun run, RunResult result, long startStep,
        IReadOnlyDictionary<string, object>? tables = null)
    {
        var points = MetricsLog.Read(directory.MetricsJsonl);
        var final = points.GroupBy(p => p.Phase).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, double>)g.GroupBy(p => p.Metric).ToDictionary(m => m.Key, m => m.MaxBy(p => p.Step).Value));
        var lastStep = points.Count == 0 ? startStep : points.Max(p => p.Step);
        var plots = Plots.WriteCurves(points, directory.Plots);

        var summary = new
        {
            recipe = run.Recipe,
            status = result.Status,
            failure = result.Failure is { } f ? new { stage = f.Stage, error = f.Error.Message } : null,
            seed = run.Seed,
            steps = run.Steps,
            lastStep,
            resumedFrom = startStep,
            elapsedSeconds = Math.Round(result.Elapsed.TotalSeconds, 3),
            configHash = run.ConfigHash,
            final,
            tables = tables ?? new Dictionary<string, object>(),
        };
        AtomicFile.WriteAllText(directory.Summary, JsonSerializer.Serialize(summary, RunJson.Options));
        AtomicFile.WriteAllText(directory.Report, Markdown(directory, run, result, startStep, lastStep, final, plots));
        return final;
    }

    static string Markdown(RunDirectory directory, PreparedRun run, RunResult result, long startStep, long lastStep,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> final, IReadOnlyList<string> plots)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"# {run.Recipe}");
        md.AppendLine();
        md.AppendLine(inv, $"- status: **{result.Status}**{(result.Failure is { } f ? $" (stage `{f.Stage}`: {f.Error.Message})" : "")}");
        md.AppendLine(inv, $"- steps: {lastStep} of {run.Steps}{(startStep > 0 ? $" (resumed from step {startStep})" : "")}, seed {run.Seed}");
        md.AppendLine(inv, $"- wall time of this session: {result.Elapsed.TotalSeconds:F1} s");
        md.AppendLine(inv, $"- config hash: `{run.ConfigHash}`; settings: {string.Join(", ", run.Assignments.DefaultIfEmpty("defaults"))}");
        md.AppendLine();
        md.AppendLine("## Final metrics");
        md.AppendLine();
        md.AppendLine("| phase | metric | value |");
        md.AppendLine("|---|---|---|");
        foreach (var (phase, metrics) in final.OrderBy(p => p.Key))
            foreach (var (name, value) in metrics)
                md.AppendLine(inv, $"| {phase} | {name} | {value:G6} |");
        md.AppendLine();
        md.AppendLine("## Config");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(ConfigBinder.Describe(run.Config));
        if (ConfigBinder.Describe(run.Data) is { Length: > 0 } data) md.AppendLine(data);
        md.AppendLine(ConfigBinder.Describe(run.Settings));
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("## Curves");
        md.AppendLine();
        foreach (var plot in plots)
            md.AppendLine(inv, $"![{Path.GetFileNameWithoutExtension(plot)}]({Path.GetRelativePath(directory.Path, plot)})");
        return md.ToString();
    }
}
