using static TorchSharp.torch;

namespace Pipeline.Algorithms.Irm;

/// <summary>
/// One environment for full-batch training, stored by colour: in Colored MNIST every image has its digit in exactly
/// one channel and zeros in the other, so an image is its grayscale pixels plus the index of that channel.
/// <see cref="PixelsByChannel"/>[c] holds the pixels (n_c x P, float32) of the images drawn in channel c;
/// <see cref="Labels"/> (N x 1) follows the same order (channel 0's rows first). The first layer then multiplies
/// n_c x P blocks by the matching P columns of its weight, half the work of multiplying the zero channel too, with
/// the same result (tested against the dense two-channel forward).
/// </summary>
public sealed class IrmEnvironment : IDisposable
{
    IrmEnvironment(Tensor[] pixelsByChannel, Tensor labels) => (PixelsByChannel, Labels) = (pixelsByChannel, labels);

    public IReadOnlyList<Tensor> PixelsByChannel { get; }
    public Tensor Labels { get; }
    public long Count => Labels.shape[0];
    public int Channels => PixelsByChannel.Count;
    public long PixelsPerChannel => PixelsByChannel[0].shape[1];

    /// <param name="images">N x C x H x W, zero outside channel <paramref name="channels"/>[i].</param>
    /// <param name="channels">N (int64): the channel that holds image i.</param>
    /// <param name="labels">N x 1 (float).</param>
    public static IrmEnvironment FromColoredImages(Tensor images, Tensor channels, Tensor labels)
    {
        var n = images.shape[0];
        if (n == 0) throw new ArgumentException("an environment needs at least one image", nameof(images));
        if (channels.shape[0] != n || labels.shape[0] != n)
            throw new ArgumentException($"{n} images, {channels.shape[0]} channel indices and {labels.shape[0]} labels");
        var c = images.shape[1];
        using var scope = NewDisposeScope();
        var flat = images.reshape(n, c, -1);
        var pixels = new Tensor[c];
        var rows = new Tensor[c];
        for (var channel = 0; channel < c; channel++)
        {
            rows[channel] = channels.eq(channel).nonzero().view(-1);
            pixels[channel] = flat.index_select(0, rows[channel]).select(1, channel).contiguous().MoveToOuterDisposeScope();
        }
        var ordered = labels.reshape(n, 1).index_select(0, cat(rows, 0)).MoveToOuterDisposeScope();
        return new IrmEnvironment(pixels, ordered);
    }

    public void Dispose()
    {
        foreach (var p in PixelsByChannel) p.Dispose();
        Labels.Dispose();
    }
}
