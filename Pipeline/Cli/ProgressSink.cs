using System.Diagnostics;
using System.Globalization;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using Spectre.Console;

namespace Pipeline.Cli;

/// <summary>Progress of a training run: a live Spectre bar on a terminal, plain lines otherwise (CI, pipes).</summary>
public static class ProgressSink
{
    /// <summary>Plain progress lines, about twenty per run plus every evaluation, each after <paramref name="prefix"/>
    /// (which names the run when several print at once).</summary>
    public static Sink<RunEvent> Plain(long startStep, long lastStep, TextWriter output, string prefix = "")
    {
        var clock = Stopwatch.StartNew();
        var every = Math.Max(1, (lastStep - startStep) / 20);
        return Sink.ForEach<RunEvent>("progress", e =>
        {
            if (e is not MetricsEvent m) return;
            if (m.Phase == "train" && (m.Step - startStep) % every != 0 && m.Step != lastStep) return;
            var rate = (m.Step - startStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{prefix}[{m.Step,7}/{lastStep}] {m.Phase,-5} {Format(m.Values)}  ({rate:F0} steps/s, {clock.Elapsed.TotalSeconds:F1} s)"));
        }, capacity: 64);
    }

    /// <summary>A sink that moves <paramref name="task"/> of a running Spectre progress display.</summary>
    public static Sink<RunEvent> Live(ProgressTask task, long startStep)
    {
        string lastEval = "";
        return Sink.ForEach<RunEvent>("progress", e =>
        {
            if (e is not MetricsEvent m) return;
            if (m.Phase == "train")
            {
                task.Value = m.Step - startStep;
                if (m.Step % 10 == 0) task.Description = Markup.Escape($"step {m.Step}  train {Format(m.Values)}{lastEval}");
            }
            else lastEval = $"  {m.Phase} {Format(m.Values)}";
        }, capacity: 64);
    }

    static string Format(IReadOnlyList<KeyValuePair<string, double>> values) =>
        string.Join(" ", values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value:G4}")));
}
