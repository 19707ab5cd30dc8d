using Pipeline.Recipes;
using Pipeline.Reports;
using Pipeline.Stages.Checkpoints;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Sinks;
using Pipeline.Stages.Training;

namespace Pipeline.Runs;

/// <summary>How a run ended, where its files are, and its last metrics per phase.</summary>
public sealed record RunOutcome(
    RunDirectory Directory, RunResult Result, long StartStep, long Steps,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Final);

/// <summary>A checkpoint written under another config: resuming from it would not be the same run.</summary>
public sealed class ConfigMismatchException(string checkpoint, string saved, string requested)
    : Exception($"{checkpoint} was written with config hash {saved}, this run's config hashes to {requested}; " +
                "resume with the same --set values and --seed, or pass --allow-config-change to continue from it anyway");

/// <summary>
/// Runs a prepared recipe in a run directory with the standard sinks (metrics.jsonl, metrics.csv, TensorBoard,
/// checkpoints) plus the caller's (progress), resuming from the newest good checkpoint when asked, and writes
/// plots, report.md and summary.json at the end, also after a failure or a stop.
/// </summary>
public static class TrainingRunner
{
    public static async Task<RunOutcome> Run(
        PreparedRun run, RunDirectory directory, bool resume, bool allowConfigChange,
        IReadOnlyList<Sink<RunEvent>> extraSinks, Action<string> log, CancellationToken cancellation = default, ClusterDeployment? cluster = null)
    {
        var store = directory.CheckpointStore(run.Settings.KeepCheckpoints);
        Checkpoint? checkpoint = null;
        if (resume)
        {
            checkpoint = store.Latest(skipped => log($"warning: {skipped.Message}"));
            if (checkpoint is null) log("no checkpoint to resume from yet: starting at step 0");
            else if (checkpoint.ConfigHash != run.ConfigHash && !allowConfigChange)
                throw new ConfigMismatchException(checkpoint.Path, checkpoint.ConfigHash, run.ConfigHash);
            else log($"resuming from {checkpoint.Path} (step {checkpoint.Step})");
        }
        var startStep = checkpoint?.Step ?? 0;
        if (resume) MetricsLog.TruncateAfter(directory.MetricsJsonl, directory.MetricsCsv, startStep);

        directory.WriteRecord(new RunRecord(run.Recipe, run.Seed, run.Steps, run.Assignments, run.ConfigHash,
            run.Config, run.Data, run.Settings, string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Prepend("pipeline"))));

        RunResult result;
        if (startStep >= run.Steps)
        {
            log($"the run is already at step {startStep} of {run.Steps}; nothing to train");
            // The summary is rewritten below: keep the wall time of the attempt that trained, not this attempt's zero.
            result = new RunResult(RunStatus.Completed, null, EarlierElapsed(directory));
        }
        else
        {
            using var plan = new RunPlan(run.Seed, startStep, run.Steps, checkpoint?.Payload, run.Settings)
            {
                Directory = directory.Path,
                Cluster = cluster is null ? null : cluster with { Recipe = run.Recipe, Assignments = run.Assignments, Steps = run.Steps },
            };
            var flow = run.Build(plan);
            var append = resume && startStep > 0;
            Sink<RunEvent>[] sinks =
            [
                RunSinks.MetricsJsonl(directory.MetricsJsonl, append),
                RunSinks.MetricsCsv(directory.MetricsCsv, append),
                RunSinks.TensorBoard(directory.TensorBoard),
                RunSinks.Checkpoints(store, run.ConfigHash),
                RunSinks.Files(directory.Path),
                .. extraSinks,
            ];
            result = await flow.To(sinks).Run(RunOptions.Default, cancellation).ConfigureAwait(false);
        }

        var final = ReportWriter.Write(directory, run, result, startStep);
        return new RunOutcome(directory, result, startStep, run.Steps, final);
    }

    /// <summary>The elapsed seconds an earlier summary.json recorded (zero when there is none or it cannot be read).</summary>
    static TimeSpan EarlierElapsed(RunDirectory directory)
    {
        try
        {
            using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(directory.Summary));
            return summary.RootElement.TryGetProperty("elapsedSeconds", out var seconds) && seconds.TryGetDouble(out var value) && value >= 0
                ? TimeSpan.FromSeconds(value) : TimeSpan.Zero;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return TimeSpan.Zero;
        }
    }
}
