using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Core;

/// <summary>
/// Writes a training state as a sequence of named entries (tensors, integers, generator states) into bytes.
/// Names are checked on reading, so a state saved by another algorithm or version fails with a clear error.
/// </summary>
public sealed class TensorArchiveWriter : IDisposable
{
    readonly MemoryStream buffer = new();
    readonly BinaryWriter writer;

    public TensorArchiveWriter(string kind)
    {
        writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        writer.Write(kind);
    }

    public TensorArchiveWriter Add(string name, Tensor tensor)
    {
        writer.Write(name);
        using var cpu = tensor.detach().cpu();
        cpu.Save(writer);
        return this;
    }

    public TensorArchiveWriter Add(string name, long value)
    {
        writer.Write(name);
        writer.Write(value);
        return this;
    }

    public TensorArchiveWriter Add(string name, Generator generator)
    {
        using var state = generator.get_state();
        return Add(name, state);
    }

    public TensorArchiveWriter AddAll(string prefix, IEnumerable<Tensor> tensors)
    {
        var i = 0;
        foreach (var t in tensors) Add($"{prefix}[{i++}]", t);
        return this;
    }

    public byte[] ToArray()
    {
        writer.Flush();
        return buffer.ToArray();
    }

    public void Dispose()
    {
        writer.Dispose();
        buffer.Dispose();
    }
}

/// <summary>Reads what <see cref="TensorArchiveWriter"/> wrote, in the same order, into existing tensors.</summary>
public sealed class TensorArchiveReader : IDisposable
{
    readonly BinaryReader reader;

    public TensorArchiveReader(byte[] payload, string kind)
    {
        reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        var found = reader.ReadString();
        if (found != kind) throw new InvalidDataException($"the checkpoint holds a '{found}' state, not a '{kind}' state");
    }

    void Expect(string name)
    {
        var found = reader.ReadString();
        if (found != name) throw new InvalidDataException($"checkpoint entry '{found}' found where '{name}' was expected");
    }

    /// <summary>Copies the saved values into <paramref name="target"/>, which keeps its device and dtype.</summary>
    public void ReadInto(string name, Tensor target)
    {
        Expect(name);
        using var saved = TensorExtensionMethods.Load(reader);
        if (!saved.shape.SequenceEqual(target.shape))
            throw new InvalidDataException($"checkpoint entry '{name}' has shape [{string.Join(",", saved.shape)}], the model expects [{string.Join(",", target.shape)}] (was the config changed?)");
        using (no_grad()) target.copy_(saved);
    }

    public void ReadAllInto(string prefix, IEnumerable<Tensor> targets)
    {
        var i = 0;
        foreach (var t in targets) ReadInto($"{prefix}[{i++}]", t);
    }

    public long ReadLong(string name)
    {
        Expect(name);
        return reader.ReadInt64();
    }

    public void ReadInto(string name, Generator generator)
    {
        Expect(name);
        using var state = TensorExtensionMethods.Load(reader);
        generator.set_state(state);
    }

    /// <summary>True when every entry has been read (entries added in later versions are absent from older files).</summary>
    public bool AtEnd => reader.BaseStream.Position == reader.BaseStream.Length;

    public void Dispose() => reader.Dispose();
}
