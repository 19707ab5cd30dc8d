using FsCheck.Xunit;
using Pipeline.Environments.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Irm;

/// <summary>Colored MNIST has the reference's sizes, flip rates, subsampling and channel layout (irm_ngu.md 1.4, 1.11b).</summary>
public class ColoredMnistProperties
{
    /// <summary>
    /// A rate is accepted within 5 binomial standard deviations: a correct construction fails with probability
    /// 5.7e-7 per rate checked (normal approximation), while a flip probability off by 0.02 at N = 25,000
    /// (about 7 standard deviations) fails almost surely.
    /// </summary>
    static bool WithinBinomial(double observed, double p, long n) => Math.Abs(observed - p) <= 5 * Math.Sqrt(p * (1 - p) / n);

    static double Rate(Tensor mismatches) => mismatches.to_type(ScalarType.Float64).mean().item<double>();

    [Property(MaxTest = 3)]
    public bool Every_environment_has_its_stated_size_label_noise_and_colour_flip(int seed)
    {
        using var scope = NewDisposeScope();
        var environments = ColoredMnist.Build(RealMnist.Value.Train, new ColoredMnistSpec(), (ulong)seed, CPU);
        try
        {
            var sizes = environments.Select(e => e.Count).SequenceEqual([25_000L, 25_000L, 10_000L]);
            var flips = Enumerable.Zip(environments, [0.2, 0.1, 0.9]).All(x =>
            {
                var (e, colorFlip) = x;
                var cleanLabels = e.Digits.lt(5).to_type(ScalarType.Float32).view(-1, 1);
                return WithinBinomial(Rate(e.Labels.ne(cleanLabels)), 0.25, e.Count)
                    && WithinBinomial(Rate(e.Colors.to_type(ScalarType.Float32).view(-1, 1).ne(e.Labels)), colorFlip, e.Count)
                    && e.ColorFlip == colorFlip;
            });
            return sizes && flips;
        }
        finally
        {
            foreach (var e in environments) e.Dispose();
        }
    }

    [Fact]
    public void The_subsampling_keeps_the_pixels_at_even_rows_and_even_columns()
    {
        using var scope = NewDisposeScope();
        var positions = arange(2 * 28 * 28, dtype: ScalarType.Int32).view(2, 28, 28);
        var small = ColoredMnist.Subsample(positions);
        Assert.Equal([2L, 14, 14], small.shape);
        for (var image = 0; image < 2; image++)
            for (var r = 0; r < 14; r++)
                for (var c = 0; c < 14; c++)
                    Assert.Equal(image * 784 + 2 * r * 28 + 2 * c, small[image, r, c].item<int>());
    }

    [Fact]
    public void The_test_environment_is_the_last_ten_thousand_images_in_order_drawn_in_the_channel_of_their_colour()
    {
        using var scope = NewDisposeScope();
        var mnist = RealMnist.Value.Train;
        var environments = ColoredMnist.Build(mnist, new ColoredMnistSpec(), 11, CPU);
        try
        {
            var test = environments[2];
            Assert.Equal(mnist.Labels.Skip(50_000).Select(l => (long)l), test.Digits.data<long>().ToArray());
            Assert.Equal([10_000L, 2, 14, 14], test.Images.shape);
            foreach (var i in new[] { 0, 1, 4_321, 9_999 })
            {
                var original = tensor(mnist.Images.AsSpan((50_000 + i) * 784, 784).ToArray(), [28, 28], dtype: ScalarType.Byte);
                var expected = original.index([TensorIndex.Slice(0, null, 2), TensorIndex.Slice(0, null, 2)]).to_type(ScalarType.Float32).div(255.0);
                var color = test.Colors[i].item<long>();
                Assert.True(Tensors.Same(test.Images[i, color], expected), $"image {i}: channel {color} is not the subsampled digit");
                Assert.Equal(0, test.Images[i, 1 - color].abs().sum().item<float>());
            }
            // The two training environments together hold exactly the first 50,000 digits, shuffled.
            var trainDigits = cat([environments[0].Digits, environments[1].Digits]).sort().Values;
            var first = tensor(mnist.Labels.Take(50_000).Select(l => (long)l).ToArray()).sort().Values;
            Assert.True(Tensors.Same(trainDigits, first));
            Assert.False(Tensors.Same(environments[0].Digits.narrow(0, 0, 100), first.narrow(0, 0, 100)));
        }
        finally
        {
            foreach (var e in environments) e.Dispose();
        }
    }

    [Fact]
    public void The_same_seed_builds_the_same_environments_and_another_seed_other_colours()
    {
        using var scope = NewDisposeScope();
        var spec = new ColoredMnistSpec(TrainSize: 4_000, TestSize: 1_000);
        var a = ColoredMnist.Build(RealMnist.Value.Train, spec, 5, CPU);
        var b = ColoredMnist.Build(RealMnist.Value.Train, spec, 5, CPU);
        var c = ColoredMnist.Build(RealMnist.Value.Train, spec, 6, CPU);
        try
        {
            Assert.All(Enumerable.Zip(a, b), x => Assert.True(Tensors.Same(x.First.Images, x.Second.Images) && Tensors.Same(x.First.Labels, x.Second.Labels)));
            Assert.False(Tensors.Same(a[2].Colors, c[2].Colors));
            Assert.Equal([2_000L, 2_000L, 1_000L], a.Select(e => e.Count));
        }
        finally
        {
            foreach (var e in a.Concat(b).Concat(c)) e.Dispose();
        }
    }

    [Theory]
    [InlineData(-0.1, 0.2, 0.1, 0.9, 100, 10, "LabelNoise")]
    [InlineData(0.25, 1.5, 0.1, 0.9, 100, 10, "FirstColorFlip")]
    [InlineData(0.25, 0.2, double.NaN, 0.9, 100, 10, "SecondColorFlip")]
    [InlineData(0.25, 0.2, 0.1, -0.9, 100, 10, "TestColorFlip")]
    [InlineData(0.25, 0.2, 0.1, 0.9, 1, 10, "TrainSize")]
    [InlineData(0.25, 0.2, 0.1, 0.9, 100, 0, "TestSize")]
    [InlineData(0.25, 0.2, 0.1, 0.9, 59_000, 5_000, "TrainSize")]
    public void A_probability_outside_zero_one_or_an_empty_environment_is_refused_naming_the_field(
        double noise, double first, double second, double test, int trainSize, int testSize, string field)
    {
        var spec = new ColoredMnistSpec(noise, first, second, test, trainSize, testSize);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ColoredMnist.Build(RealMnist.Value.Train, spec, 0, CPU));
        Assert.Equal(field, error.ParamName);
    }
}
