using System.Buffers.Binary;
using System.IO.Compression;

namespace Pipeline.Reports;

/// <summary>A minimal PNG encoder for 8-bit grayscale and RGB images (sample grids, environment frames), with no image library needed.</summary>
public static class Png
{
    /// <param name="pixels">row-major, <paramref name="width"/> x <paramref name="height"/> bytes.</param>
    public static byte[] Grayscale(int width, int height, ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length != width * height) throw new ArgumentException($"{pixels.Length} pixels for a {width} x {height} image");
        return Encode(width, height, pixels, colourType: 0, bytesPerPixel: 1);
    }

    /// <param name="pixels">row-major, 3 bytes (red, green, blue) per pixel.</param>
    public static byte[] Rgb(int width, int height, ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length != 3 * width * height) throw new ArgumentException($"{pixels.Length} bytes for a {width} x {height} RGB image; expected {3 * width * height}");
        return Encode(width, height, pixels, colourType: 2, bytesPerPixel: 3);
    }

    static byte[] Encode(int width, int height, ReadOnlySpan<byte> pixels, byte colourType, int bytesPerPixel)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9], header[10], header[11], header[12]) = (8, colourType, 0, 0, 0); // 8 bits per sample, no interlace
        Chunk(output, "IHDR", header);
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(pixels.Slice(y * width * bytesPerPixel, width * bytesPerPixel));
            }
        Chunk(output, "IDAT", raw.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>Tiles <paramref name="images"/> (each side x side, values in [0, 1]) into a grid with 2-pixel gaps.</summary>
    public static byte[] Grid(float[] images, int count, int side, int columns)
    {
        var rows = (count + columns - 1) / columns;
        const int gap = 2;
        var (width, height) = (columns * (side + gap) + gap, rows * (side + gap) + gap);
        var pixels = new byte[width * height];
        for (var i = 0; i < count; i++)
        {
            var (ox, oy) = (gap + i % columns * (side + gap), gap + i / columns * (side + gap));
            for (var y = 0; y < side; y++)
                for (var x = 0; x < side; x++)
                    pixels[(oy + y) * width + ox + x] = (byte)Math.Round(Math.Clamp(images[i * side * side + y * side + x], 0f, 1f) * 255);
        }
        return Grayscale(width, height, pixels);
    }

    static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        Span<byte> sum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, Crc32(Crc32(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu);
        output.Write(sum);
    }

    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The PNG (IEEE 802.3) CRC-32, continued from <paramref name="c"/>.</summary>
    static uint Crc32(uint c, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c;
    }
}
