using Pipeline.Environments.Control;

namespace Pipeline.Reports;

/// <summary>Writes environment frames as PNG files (Environments cannot reference the encoder here).</summary>
public static class FramePng
{
    public static byte[] Encode(RgbFrame frame) => Png.Rgb(frame.Width, frame.Height, frame.Rgb);

    public static void Write(RgbFrame frame, string path) => File.WriteAllBytes(path, Encode(frame));
}
