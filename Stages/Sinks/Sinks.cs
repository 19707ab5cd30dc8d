using Pipeline.Stages.Checkpoints;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;

namespace Pipeline.Stages.Sinks;

/// <summary>The standard sinks of a training run, each taking the <see cref="RunEvent"/>s it cares about.</summary>
public static class RunSinks
{
    public static Sink<RunEvent> MetricsJsonl(string path, bool append = false) =>
        Sink.Of<MetricsEvent>("metrics.jsonl", () => new MetricsJsonlWriter(path, append)).Select((RunEvent e) => e as MetricsEvent);

    public static Sink<RunEvent> MetricsCsv(string path, bool append = false) =>
        Sink.Of<MetricsEvent>("metrics.csv", () => new MetricsCsvWriter(path, append)).Select((RunEvent e) => e as MetricsEvent);

    public static Sink<RunEvent> TensorBoard(string directory) =>
        Sink.Of<MetricsEvent>("tensorboard", () => new TensorBoardWriter(directory)).Select((RunEvent e) => e as MetricsEvent);

    /// <summary>Writes every <see cref="FileEvent"/> under <paramref name="directory"/>, atomically (temporary file, then rename).</summary>
    public static Sink<RunEvent> Files(string directory) =>
        Sink.ForEach<FileEvent>("files", f =>
        {
            var path = Path.GetFullPath(Path.Combine(directory, f.RelativePath));
            if (!path.StartsWith(Path.GetFullPath(directory), StringComparison.Ordinal))
                throw new ArgumentException($"file event path '{f.RelativePath}' leaves the run directory");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, f.Contents);
            File.Move(temporary, path, overwrite: true);
        }).Select((RunEvent e) => e as FileEvent);

    /// <param name="written">told the path of every checkpoint written.</param>
    public static Sink<RunEvent> Checkpoints(CheckpointStore store, string configHash, Action<string>? written = null) =>
        Sink.ForEach<CheckpointEvent>("checkpoints", c =>
        {
            var path = store.Write(c.Step, configHash, c.Payload);
            written?.Invoke(path);
        }).Select((RunEvent e) => e as CheckpointEvent);
}
