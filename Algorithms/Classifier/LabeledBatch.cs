using static TorchSharp.torch;

namespace Pipeline.Algorithms.Classifier;

/// <summary>Inputs (N x features, float32) and class labels (N, int64) on the run's device. Owned by whoever holds it.</summary>
public sealed record LabeledBatch(Tensor Inputs, Tensor Labels) : IDisposable
{
    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}
