namespace Pipeline.Environments.Control;

/// <summary>An 8-bit RGB picture: row-major, 3 bytes per pixel, top row first.</summary>
public sealed record RgbFrame
{
    public RgbFrame(int width, int height, byte[] rgb)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"a frame of {width} x {height} pixels is empty");
        if (rgb.Length != 3 * width * height)
            throw new ArgumentException($"rgb has {rgb.Length} bytes; expected 3 * {width} * {height} = {3 * width * height}", nameof(rgb));
        (Width, Height, Rgb) = (width, height, rgb);
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Rgb { get; }

    /// <summary>A frame filled with one colour.</summary>
    public static RgbFrame Filled(int width, int height, Colour colour)
    {
        var frame = new RgbFrame(width, height, new byte[3 * width * height]);
        frame.Fill(0, 0, width, height, colour);
        return frame;
    }

    /// <summary>Paints the rectangle [x, x + w) x [y, y + h), clipped to the frame.</summary>
    public void Fill(int x, int y, int w, int h, Colour colour)
    {
        for (var row = Math.Max(0, y); row < Math.Min(Height, y + h); row++)
            for (var column = Math.Max(0, x); column < Math.Min(Width, x + w); column++)
                (Rgb[3 * (row * Width + column)], Rgb[3 * (row * Width + column) + 1], Rgb[3 * (row * Width + column) + 2]) = (colour.R, colour.G, colour.B);
    }
}

/// <summary>An 8-bit RGB colour.</summary>
public readonly record struct Colour(byte R, byte G, byte B)
{
    /// <summary>From components in [0, 1].</summary>
    public static Colour FromUnit(float r, float g, float b) => new(ToByte(r), ToByte(g), ToByte(b));

    static byte ToByte(float v) => (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255);
}
