using System.Buffers.Binary;

namespace Pipeline.Environments.Data;

/// <summary>A dense unsigned-byte array read from an IDX file: its dimensions and its values in row-major order.</summary>
public sealed record IdxArray(int[] Shape, byte[] Data)
{
    public int Count => Shape[0];
}

/// <summary>
/// Reader for LeCun's IDX format (the MNIST files): a big-endian header of magic 0x0000 08 D (unsigned bytes,
/// D dimensions), then D big-endian int32 sizes, then exactly the product of the sizes in bytes.
/// </summary>
public static class Idx
{
    const byte UnsignedByteType = 0x08;

    public static IdxArray Read(string path, int expectedDimensions)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, expectedDimensions);
    }

    /// <param name="name">names the source in errors (usually its path).</param>
    public static IdxArray Read(Stream stream, string name, int expectedDimensions)
    {
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4)
            throw new IdxFormatException(name, "truncated: shorter than the 4-byte IDX magic number");
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != UnsignedByteType)
            throw new IdxFormatException(name, $"wrong magic number 0x{Convert.ToHexString(magic)} (expected 0x000008{expectedDimensions:X2}: unsigned bytes, {expectedDimensions} dimensions)");
        if (magic[3] != expectedDimensions)
            throw new IdxFormatException(name, $"has {magic[3]} dimensions where {expectedDimensions} were expected");

        var shape = new int[expectedDimensions];
        Span<byte> size = stackalloc byte[4];
        long total = 1;
        for (var d = 0; d < shape.Length; d++)
        {
            if (stream.ReadAtLeast(size, 4, throwOnEndOfStream: false) < 4)
                throw new IdxFormatException(name, $"truncated inside the header (dimension {d} of {shape.Length})");
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(size);
            if (shape[d] <= 0) throw new IdxFormatException(name, $"dimension {d} has size {shape[d]}");
            total *= shape[d];
        }
        if (total > Array.MaxLength) throw new IdxFormatException(name, $"declares {total} values, more than fit in memory");

        var data = new byte[total];
        var read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
            throw new IdxFormatException(name, $"truncated: the header declares {total} values ({string.Join(" x ", shape)}) but only {read} follow");
        if (stream.ReadByte() != -1)
            throw new IdxFormatException(name, $"has bytes after the {total} values its header declares");
        return new IdxArray(shape, data);
    }
}
