using System.Runtime.CompilerServices;

namespace Pipeline.Environments.Control;

/// <summary>
/// Observations whose every value is k / 255 for an integer k in [0, 255] (pixels, one-hot grids) fit in one byte per
/// value without loss, a quarter of float32's memory in replay. <see cref="Value"/> is the float that byte k stands
/// for, the same float an environment writes when it computes k / 255f.
/// </summary>
public static class ObservationBytes
{
    public const float Levels = 255f;

    /// <summary>The nearest representable value to <paramref name="x"/> in [0, 1] (for building palettes).</summary>
    public static float Quantize(float x) => Value((byte)MathF.Round(Math.Clamp(x, 0f, 1f) * Levels));

    public static float Value(byte k) => k / Levels;

    /// <summary>Writes each value's byte; a value that is not exactly k / 255 is refused, naming it. On every actor step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        if (bytes.Length != values.Length)
            throw new ArgumentException($"{values.Length} observation values need as many bytes; got {bytes.Length}", nameof(bytes));
        for (var i = 0; i < values.Length; i++)
        {
            var x = values[i];
            var k = MathF.Round(x * Levels);
            if (!(k is >= 0 and <= Levels) || k / Levels != x)
                throw new ArgumentException(
                    $"observation value {x:R} at index {i} is not k / 255 for an integer k in [0, 255], so it cannot be stored as a byte", nameof(values));
            bytes[i] = (byte)k;
        }
    }
}
