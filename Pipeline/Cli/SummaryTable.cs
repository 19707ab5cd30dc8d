using System.Globalization;
using Pipeline.Runs;
using Spectre.Console;

namespace Pipeline.Cli;

/// <summary>The table printed at the end of a run.</summary>
public static class SummaryTable
{
    public static void Print(RunOutcome outcome)
    {
        var result = outcome.Result;
        var table = new Table().Title($"{Path.GetFileName(outcome.Directory.Path)}: {result.Status}");
        table.AddColumn("phase");
        table.AddColumn("metric");
        table.AddColumn(new TableColumn("final").RightAligned());
        foreach (var (phase, metrics) in outcome.Final.OrderBy(p => p.Key))
            foreach (var (name, value) in metrics)
                table.AddRow(phase, name, value.ToString("G6", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        var trained = outcome.Final.TryGetValue("train", out _) ? "" : " (no training step ran)";
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{result.Elapsed.TotalSeconds:F1} s{trained}; report: {outcome.Directory.Report}")));
        if (result.Failure is { } failure)
            AnsiConsole.MarkupLine($"[red]stage '{Markup.Escape(failure.Stage)}' failed:[/] {Markup.Escape(failure.Error.Message)}");
    }
}
