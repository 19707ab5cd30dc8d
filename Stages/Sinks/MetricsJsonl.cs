using System.Text.Json;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;

namespace Pipeline.Stages.Sinks;

/// <summary>
/// Metrics as JSON lines, one object per event: <c>{"step":1,"phase":"train","loss":2.3}</c>, readable as
/// is by pandas (<c>read_json(lines=True)</c>). Contains no wall-clock values, so a run's file is
/// byte-identical to another run of the same seed.
/// </summary>
public sealed class MetricsJsonlWriter : ISinkWriter<MetricsEvent>
{
    readonly FileStream file;
    readonly Utf8JsonWriter json;
    int unflushed;

    /// <param name="append">continue an existing file (a resumed run) instead of starting a new one.</param>
    public MetricsJsonlWriter(string path, bool append = false)
    {
        file = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
        json = new Utf8JsonWriter(file, new JsonWriterOptions { SkipValidation = true });
    }

    public void Write(MetricsEvent item)
    {
        json.WriteStartObject();
        json.WriteNumber("step", item.Step);
        json.WriteString("phase", item.Phase);
        foreach (var (name, value) in item.Values)
        {
            if (double.IsFinite(value)) json.WriteNumber(name, value);
            else json.WriteString(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        json.WriteEndObject();
        json.Flush();
        json.Reset();
        file.WriteByte((byte)'\n');
        // Hand lines to the OS regularly so a killed run keeps nearly all of them.
        if (++unflushed >= 64) Close();
    }

    public void Close()
    {
        json.Flush();
        file.Flush();
        unflushed = 0;
    }

    public void Dispose()
    {
        json.Dispose();
        file.Dispose();
    }
}

/// <summary>Metrics in long CSV form, <c>step,phase,metric,value</c>: one row per value, so new metrics never change the header.</summary>
public sealed class MetricsCsvWriter : ISinkWriter<MetricsEvent>
{
    public const string Header = "step,phase,metric,value";
    readonly StreamWriter writer;

    public MetricsCsvWriter(string path, bool append = false)
    {
        var exists = append && File.Exists(path) && new FileInfo(path).Length > 0;
        writer = new StreamWriter(new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read));
        if (!exists) writer.WriteLine(Header);
    }

    public void Write(MetricsEvent item)
    {
        foreach (var (name, value) in item.Values)
            writer.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{item.Step},{item.Phase},{name},{value:R}"));
    }

    public void Close() => writer.Flush();

    public void Dispose() => writer.Dispose();
}
