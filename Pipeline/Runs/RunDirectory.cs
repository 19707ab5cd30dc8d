using System.Text.Json;
using Pipeline.Stages.Checkpoints;

namespace Pipeline.Runs;

/// <summary>
/// The files of one run: config.json, metrics.jsonl and .csv, tensorboard/, checkpoints/, plots/, report.md and
/// summary.json. A new run refuses a folder that already holds one; a resumed run continues in its folder.
/// </summary>
public sealed class RunDirectory
{
    RunDirectory(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string ConfigJson => Combine("config.json");
    public string MetricsJsonl => Combine("metrics.jsonl");
    public string MetricsCsv => Combine("metrics.csv");
    public string TensorBoard => Combine("tensorboard");
    public string Checkpoints => Combine("checkpoints");
    public string Plots => Combine("plots");
    public string Report => Combine("report.md");
    public string Summary => Combine("summary.json");

    string Combine(string name) => System.IO.Path.Combine(Path, name);

    public CheckpointStore CheckpointStore(int keep) => new(Checkpoints, keep);

    /// <summary>A fresh folder: <paramref name="requested"/>, or runs/&lt;recipe&gt;/&lt;time&gt;-seed&lt;N&gt;.</summary>
    public static RunDirectory CreateNew(string? requested, string recipe, int seed)
    {
        var path = requested ?? System.IO.Path.Combine("runs", recipe, $"{DateTime.Now:yyyyMMdd-HHmmss}-seed{seed}");
        var directory = new RunDirectory(path);
        if (File.Exists(directory.ConfigJson))
            throw new IOException($"{directory.Path} already holds a run; continue it with --resume {path}, or choose another --out");
        Directory.CreateDirectory(directory.Path);
        Directory.CreateDirectory(directory.Checkpoints);
        Directory.CreateDirectory(directory.Plots);
        return directory;
    }

    public static RunDirectory Open(string path)
    {
        var directory = new RunDirectory(path);
        if (!File.Exists(directory.ConfigJson))
            throw new IOException($"{directory.Path} is not a run directory (it has no config.json)");
        Directory.CreateDirectory(directory.Plots);
        return directory;
    }

    public void WriteRecord(RunRecord record) =>
        AtomicFile.WriteAllText(ConfigJson, JsonSerializer.Serialize(record, RunJson.Options));

    /// <summary>The recipe, seed, steps and assignments a run was started with.</summary>
    public (string Recipe, int Seed, long Steps, IReadOnlyList<string> Assignments, string ConfigHash) ReadRecord()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ConfigJson));
        var root = doc.RootElement;
        return (root.GetProperty("recipe").GetString()!,
                root.GetProperty("seed").GetInt32(),
                root.GetProperty("steps").GetInt64(),
                root.GetProperty("assignments").EnumerateArray().Select(e => e.GetString()!).ToList(),
                root.GetProperty("configHash").GetString()!);
    }
}
