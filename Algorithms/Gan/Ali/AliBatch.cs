using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>The data of one ALI update: m examples x ~ q(x), as an m x data-dim tensor.</summary>
public sealed record AliBatch(Tensor X) : IDisposable
{
    public void Dispose() => X.Dispose();
}
