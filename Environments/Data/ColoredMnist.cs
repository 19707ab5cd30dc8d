using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Environments.Data;

/// <summary>
/// Colored MNIST exactly as the reference code builds it (IRM paper section 5.2; irm_ngu.md 1.4), with every random
/// choice drawn from one generator seeded by the caller (the reference uses the unseeded global RNGs):
/// the MNIST training set only; its first <see cref="ColoredMnistSpec.TrainSize"/> images shuffled and split by
/// even/odd index into two training environments, its last <see cref="ColoredMnistSpec.TestSize"/> images the test
/// environment; images decimated to 14 x 14; label = (digit &lt; 5) flipped with probability 0.25; colour = label
/// flipped with the environment's probability; the digit drawn in channel = colour.
/// </summary>
public static class ColoredMnist
{
    /// <summary>The two training environments, then the test environment, on <paramref name="device"/>.</summary>
    public static IReadOnlyList<ColoredMnistEnvironment> Build(MnistSplit source, ColoredMnistSpec spec, ulong seed, Device device)
    {
        spec.Check(source.Count);
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var images = tensor(source.Images, [source.Count, MnistSplit.Side, MnistSplit.Side], dtype: ScalarType.Byte);
        var digits = tensor(source.Labels, dtype: ScalarType.Byte).to_type(ScalarType.Int64);

        // The reference shuffles the first 50,000 in place (same permutation for images and labels), then takes ::2 and 1::2.
        var order = randperm(spec.TrainSize, generator: generator);
        var trainImages = images.narrow(0, 0, spec.TrainSize).index_select(0, order);
        var trainDigits = digits.narrow(0, 0, spec.TrainSize).index_select(0, order);
        var even = arange(0, spec.TrainSize, 2);
        var odd = arange(1, spec.TrainSize, 2);
        var testStart = source.Count - spec.TestSize;

        // Drawn in the reference's order: environment by environment, label noise before colours.
        ColoredMnistEnvironment[] environments =
        [
            Make(trainImages.index_select(0, even), trainDigits.index_select(0, even), spec.LabelNoise, spec.FirstColorFlip, generator, device),
            Make(trainImages.index_select(0, odd), trainDigits.index_select(0, odd), spec.LabelNoise, spec.SecondColorFlip, generator, device),
            Make(images.narrow(0, testStart, spec.TestSize), digits.narrow(0, testStart, spec.TestSize), spec.LabelNoise, spec.TestColorFlip, generator, device),
        ];
        foreach (var e in environments)
            foreach (var t in new[] { e.Images, e.Labels, e.Colors, e.Digits }) t.MoveToOuterDisposeScope();
        return environments;
    }

    /// <summary>Stride-2 decimation of N x 28 x 28 images to N x 14 x 14: the pixels at even rows and even columns, no averaging (the reference's [:, ::2, ::2]).</summary>
    public static Tensor Subsample(Tensor images) =>
        images.index([TensorIndex.Colon, TensorIndex.Slice(0, null, 2), TensorIndex.Slice(0, null, 2)]);

    static ColoredMnistEnvironment Make(Tensor images, Tensor digits, double labelNoise, double colorFlip, Generator generator, Device device)
    {
        var n = digits.shape[0];
        var labels = Xor(digits.lt(5).to_type(ScalarType.Float32), Bernoulli(n, labelNoise, generator));
        var colors = Xor(labels, Bernoulli(n, colorFlip, generator)).to_type(ScalarType.Int64);
        var small = Subsample(images).to_type(ScalarType.Float32).div_(255.0);
        // Channel c keeps the digit exactly when c == colour: the reference zeroes channel (1 - colour).
        var keep = nn.functional.one_hot(colors, 2).to_type(ScalarType.Float32).view(n, 2, 1, 1);
        var stacked = stack([small, small], 1).mul_(keep);
        return new ColoredMnistEnvironment(colorFlip,
            stacked.to(device), labels.view(n, 1).to(device), colors.to(device), digits.to(device));
    }

    /// <summary>1 with probability <paramref name="p"/>: the reference's (rand(n) &lt; p).float().</summary>
    static Tensor Bernoulli(long n, double p, Generator generator) =>
        rand([n], generator: generator).lt(p).to_type(ScalarType.Float32);

    /// <summary>XOR of two 0/1 tensors, as the reference writes it: |a - b|.</summary>
    static Tensor Xor(Tensor a, Tensor b) => a.sub(b).abs_();
}
