using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>
/// The real data of one generator iteration: one batch per critic step, stacked (critic steps x m x data...).
/// The data stage prepares it ahead, sized by the config's critic schedule.
/// </summary>
public sealed record GanBatch(Tensor Real) : IDisposable
{
    public int CriticSteps => (int)Real.shape[0];

    public void Dispose() => Real.Dispose();
}
