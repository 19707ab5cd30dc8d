using System.Text.Json;
using LanguageExt;
using LanguageExt.Common;
using Pipeline.Runs;

namespace Pipeline.Reproductions;

/// <summary>
/// What a reproduction directory was started as (reproduction.json, written before any sub-run), so that
/// `reproduce --resume` continues it with the same variant and seed: its sub-runs' config hashes would refuse any other.
/// </summary>
public sealed record ReproductionRecord(string Reproduction, bool Quick, int Seed)
{
    public const string FileName = "reproduction.json";

    public string Variant => Quick ? "quick" : "full";

    public void Write(string directory) =>
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(
            new { reproduction = Reproduction, quick = Quick, seed = Seed, started = DateTime.UtcNow.ToString("O") },
            new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>True when <paramref name="directory"/> holds a reproduction, finished or not.</summary>
    public static bool IsHeldBy(string directory) =>
        File.Exists(Path.Combine(directory, FileName)) || File.Exists(Path.Combine(directory, "summary.json"));

    /// <summary>
    /// The record of the reproduction to continue in <paramref name="directory"/>: its reproduction.json, else the
    /// summary.json a stopped or failed attempt wrote. Fails, naming the difference, when the command line asks for
    /// another reproduction, variant or seed; <paramref name="quick"/> and <paramref name="seed"/> are null when not given.
    /// A directory with neither file (an attempt killed before this record existed) takes the command line's values.
    /// </summary>
    public static Validation<Error, ReproductionRecord> ForResume(string directory, string reproduction, bool? quick, int? seed)
    {
        if (!Directory.Exists(directory))
            return Error.New($"{directory} does not exist: --resume continues a reproduction in the directory it wrote");
        ReproductionRecord? record;
        try { record = Read(directory); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Error.New($"{directory}: its {FileName} or summary.json is unreadable ({e.Message})");
        }
        if (record is null) return new ReproductionRecord(reproduction, quick ?? false, seed ?? 0);
        if (!string.Equals(record.Reproduction, reproduction, StringComparison.OrdinalIgnoreCase))
            return Error.New($"{directory} holds a reproduction of '{record.Reproduction}', not '{reproduction}'");
        if (quick is { } q && q != record.Quick)
            return Error.New($"{directory} holds the {record.Variant} variant; resume it {(record.Quick ? "with --quick" : "without --quick")}");
        if (seed is { } s && s != record.Seed)
            return Error.New($"{directory} was started with --seed {record.Seed}, not {s}");
        return record;
    }

    /// <summary>reproduction.json, else the header of the summary.json a stopped or failed attempt wrote; null when neither exists.</summary>
    static ReproductionRecord? Read(string directory)
    {
        var own = Path.Combine(directory, FileName);
        var summary = Path.Combine(directory, "summary.json");
        var path = File.Exists(own) ? own : File.Exists(summary) ? summary : null;
        if (path is null) return null;
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = path == own ? document.RootElement : document.RootElement.GetProperty("header");
        return new ReproductionRecord(root.GetProperty("reproduction").GetString()!, root.GetProperty("quick").GetBoolean(), root.GetProperty("seed").GetInt32());
    }
}
