using Pipeline.Environments.Control;
using Xunit;

namespace Pipeline.Properties.Control;

/// <summary>Bytes stand for k / 255 exactly, and a value they cannot hold is refused rather than rounded.</summary>
public class ObservationBytesTests
{
    [Fact]
    public void Every_byte_encodes_the_float_it_stands_for()
    {
        var values = Enumerable.Range(0, 256).Select(k => k / 255f).ToArray();
        var bytes = new byte[256];
        ObservationBytes.Encode(values, bytes);
        Assert.Equal(Enumerable.Range(0, 256).Select(k => (byte)k), bytes);
        Assert.All(Enumerable.Range(0, 256), k => Assert.Equal(values[k], ObservationBytes.Value((byte)k)));
        Assert.All(values, v => Assert.Equal(v, ObservationBytes.Quantize(v)));
    }

    [Theory]
    [InlineData(0.5f)] // 127.5 / 255
    [InlineData(1.5f)]
    [InlineData(-1f / 255)]
    [InlineData(float.NaN)]
    [InlineData(0.04160000011324883f)] // matplotlib's "hot" red at 0, before rounding
    public void A_value_that_is_not_k_over_255_is_refused_naming_its_index(float value)
    {
        float[] values = [0f, 1f, value];
        var error = Assert.Throws<ArgumentException>(() => ObservationBytes.Encode(values, new byte[3]));
        Assert.Contains("index 2", error.Message);
    }

    [Fact]
    public void Quantize_rounds_to_the_nearest_level_and_clamps()
    {
        Assert.Equal(11 / 255f, ObservationBytes.Quantize(0.0416f)); // 10.6 levels
        Assert.Equal(0f, ObservationBytes.Quantize(-0.3f));
        Assert.Equal(1f, ObservationBytes.Quantize(7f));
    }
}
