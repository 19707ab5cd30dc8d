using System.Buffers.Binary;
using Google.Protobuf;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using Tensorboard;

namespace Pipeline.Stages.Sinks;

/// <summary>
/// Scalars in a TensorBoard event file (<c>events.out.tfevents.*</c>, tag <c>phase/metric</c>), built from the
/// event protobufs TorchSharp ships. Unlike TorchSharp's <c>SummaryWriter</c>, which reopens the file for every
/// scalar and stamps wall time in .NET ticks, this keeps one buffered file open and writes Unix seconds.
/// </summary>
public sealed class TensorBoardWriter : ISinkWriter<MetricsEvent>
{
    readonly FileStream file;

    public TensorBoardWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        var name = $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}.{Guid.NewGuid():N}";
        Path = System.IO.Path.Combine(directory, name);
        file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        WriteEvent(new Event { WallTime = Now(), FileVersion = "brain.Event:2" });
    }

    public string Path { get; }

    public void Write(MetricsEvent item)
    {
        var summary = new Summary();
        foreach (var (name, value) in item.Values)
            summary.Value.Add(new Summary.Types.Value { Tag = $"{item.Phase}/{name}", SimpleValue = (float)value });
        WriteEvent(new Event { WallTime = Now(), Step = item.Step, Summary = summary });
    }

    static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>TFRecord framing: length, masked CRC-32C of the length, data, masked CRC-32C of the data.</summary>
    void WriteEvent(Event e)
    {
        var data = e.ToByteArray();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)data.Length);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Masked(length));
        file.Write(length);
        file.Write(crc);
        file.Write(data);
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Masked(data));
        file.Write(crc);
    }

    public void Close() => file.Flush();

    public void Dispose() => file.Dispose();
}

/// <summary>CRC-32C (Castagnoli), masked as TFRecord files require.</summary>
static class Crc32C
{
    static readonly uint[] Table = BuildTable();

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    public static uint Masked(ReadOnlySpan<byte> data)
    {
        var c = Compute(data);
        return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
    }
}
