using static TorchSharp.torch;

namespace Pipeline.Environments.Data;

/// <summary>
/// One Colored MNIST environment (IRM paper section 5.2; irm_ngu.md 1.4): <paramref name="Images"/> N x 2 x 14 x 14
/// (float32 in [0, 1], the digit in channel <paramref name="Colors"/>[i], the other channel zero),
/// <paramref name="Labels"/> N x 1 (float32 0/1, after label noise), <paramref name="Colors"/> N (int64 0/1) and
/// the original MNIST <paramref name="Digits"/> N (int64 0..9, kept so the construction can be checked).
/// </summary>
public sealed record ColoredMnistEnvironment(double ColorFlip, Tensor Images, Tensor Labels, Tensor Colors, Tensor Digits) : IDisposable
{
    public long Count => Labels.shape[0];

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        Colors.Dispose();
        Digits.Dispose();
    }
}
