using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Sequences;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Urnn;

public class PixelMnistTests
{
    /// <summary>Two images of seeded random bytes, labels 3 and 7: the format without the real files.</summary>
    static MnistSplit Split()
    {
        var random = new Random(4);
        var images = new byte[2 * MnistSplit.Pixels];
        random.NextBytes(images);
        return new MnistSplit(images, [3, 7]);
    }

    static double Standardised(byte pixel) => (pixel / 255.0 - MnistTensors.Mean) / MnistTensors.Std;

    [Fact]
    public void Sequences_are_the_images_read_row_by_row()
    {
        var split = Split();
        using var data = PixelMnist.From(split, 28, permutationSeed: null);
        Assert.Equal([2L, 784, 1], data.Sequences.shape);
        Assert.Equal([3L, 7], data.Labels.data<long>().ToArray());
        var values = data.Sequences.data<float>().ToArray();
        for (var i = 0; i < values.Length; i++) Assert.Equal(Standardised(split.Images[i]), values[i], 1e-5);
    }

    [Fact]
    public void A_pooled_image_is_the_mean_of_each_block_in_row_major_order()
    {
        var split = Split();
        using var data = PixelMnist.From(split, 7, permutationSeed: null);
        Assert.Equal([2L, 49, 1], data.Sequences.shape);
        var values = data.Sequences.data<float>().ToArray();
        for (var image = 0; image < 2; image++)
            for (var row = 0; row < 7; row++)
                for (var col = 0; col < 7; col++)
                {
                    double sum = 0;
                    for (var r = 0; r < 4; r++)
                        for (var c = 0; c < 4; c++) sum += Standardised(split.Images[image * 784 + (4 * row + r) * 28 + 4 * col + c]);
                    Assert.Equal(sum / 16, values[image * 49 + row * 7 + col], 1e-5);
                }
    }

    [Fact]
    public void The_permuted_task_reads_every_image_in_one_order_fixed_by_the_seed()
    {
        var split = Split();
        using var plain = PixelMnist.From(split, 14, permutationSeed: null);
        using var permuted = PixelMnist.From(split, 14, permutationSeed: 5);
        using var again = PixelMnist.From(split, 14, permutationSeed: 5);
        using var other = PixelMnist.From(split, 14, permutationSeed: 6);
        using var generator = new Generator(5);
        using var order = PixelMnist.Permutation(196, generator);
        Assert.True(permuted.Sequences.eq(again.Sequences).all().item<bool>());
        Assert.False(permuted.Sequences.eq(other.Sequences).all().item<bool>());
        // One order for every image: step k of each permuted sequence is pixel order[k] of the same image.
        Assert.True(permuted.Sequences.eq(plain.Sequences.index_select(1, order)).all().item<bool>());
        Assert.False(permuted.Sequences.eq(plain.Sequences).all().item<bool>());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(0)]
    public void A_side_that_is_not_a_whole_block_is_refused_naming_it(int side)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PixelMnist.From(Split(), side, null));
        Assert.Contains("28, 14, 7", error.Message);
        Assert.Contains(side.ToString(), error.Message);
    }
}
