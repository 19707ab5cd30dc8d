using System.Globalization;
using System.Text.Json;

namespace Pipeline.Runs;

/// <summary>One value of metrics.jsonl.</summary>
public readonly record struct MetricPoint(long Step, string Phase, string Metric, double Value);

/// <summary>Reads metrics.jsonl back, and cuts a log back to a step when a run resumes from a checkpoint.</summary>
public static class MetricsLog
{
    public static IReadOnlyList<MetricPoint> Read(string path)
    {
        var points = new List<MetricPoint>();
        if (!File.Exists(path)) return points;
        foreach (var line in File.ReadLines(path))
        {
            if (!TryParse(line, out var step, out var phase, out var values)) continue;
            points.AddRange(values.Select(v => new MetricPoint(step, phase, v.Key, v.Value)));
        }
        return points;
    }

    /// <summary>
    /// Keeps the records of steps up to <paramref name="step"/> in metrics.jsonl and metrics.csv (atomically), so a
    /// run resumed from the checkpoint at that step logs exactly what an uninterrupted run logs. A partial last
    /// line (a killed run) is dropped too.
    /// </summary>
    public static void TruncateAfter(string jsonlPath, string csvPath, long step)
    {
        if (File.Exists(jsonlPath))
        {
            var kept = File.ReadLines(jsonlPath).Where(l => TryParse(l, out var s, out _, out _) && s <= step).ToList();
            AtomicFile.WriteAllText(jsonlPath, kept.Count == 0 ? "" : string.Join('\n', kept) + "\n");
        }
        if (File.Exists(csvPath))
        {
            var lines = File.ReadLines(csvPath).ToList();
            var kept = lines.Skip(1).Where(l =>
            {
                var parts = l.Split(',');
                return parts.Length == 4 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s <= step;
            });
            AtomicFile.WriteAllText(csvPath, string.Join('\n', lines.Take(1).Concat(kept)) + "\n");
        }
    }

    static bool TryParse(string line, out long step, out string phase, out List<KeyValuePair<string, double>> values)
    {
        (step, phase, values) = (0, "", []);
        if (string.IsNullOrWhiteSpace(line)) return false;
        try
        {
            using var doc = JsonDocument.Parse(line);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "step": step = property.Value.GetInt64(); break;
                    case "phase": phase = property.Value.GetString() ?? ""; break;
                    default:
                        values.Add(KeyValuePair.Create(property.Name, property.Value.ValueKind == JsonValueKind.Number
                            ? property.Value.GetDouble()
                            : double.Parse(property.Value.GetString() ?? "NaN", CultureInfo.InvariantCulture)));
                        break;
                }
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
