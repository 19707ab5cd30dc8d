using Pipeline.Algorithms.Core;
using TorchSharp;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// What saddle-free Newton carries between steps: the damping the rule chose last, the work done so far, and the
/// generator that draws a Lanczos start at a critical point (where the gradient, the usual start, is zero).
/// </summary>
public sealed class SaddleFreeState(double damping, torch.Generator random) : IDisposable
{
    public double Damping { get; internal set; } = damping;
    public torch.Generator Random { get; } = random;
    public long Steps { get; internal set; }
    public long Accepted { get; internal set; }
    public long Rejected { get; internal set; }
    /// <summary>Hessian-vector products computed over all steps.</summary>
    public long Products { get; internal set; }
    /// <summary>Gradient evaluations (one backward pass each) over all steps.</summary>
    public long Gradients { get; internal set; }
    /// <summary>Forward-only loss evaluations at trial points over all steps.</summary>
    public long LossEvaluations { get; internal set; }

    public void Save(TensorArchiveWriter archive, string prefix = "sfn") =>
        archive.Add($"{prefix}.damping", BitConverter.DoubleToInt64Bits(Damping))
            .Add($"{prefix}.steps", Steps)
            .Add($"{prefix}.accepted", Accepted)
            .Add($"{prefix}.rejected", Rejected)
            .Add($"{prefix}.products", Products)
            .Add($"{prefix}.gradients", Gradients)
            .Add($"{prefix}.loss-evaluations", LossEvaluations)
            .Add($"{prefix}.random", Random);

    public void Load(TensorArchiveReader archive, string prefix = "sfn")
    {
        Damping = BitConverter.Int64BitsToDouble(archive.ReadLong($"{prefix}.damping"));
        Steps = archive.ReadLong($"{prefix}.steps");
        Accepted = archive.ReadLong($"{prefix}.accepted");
        Rejected = archive.ReadLong($"{prefix}.rejected");
        Products = archive.ReadLong($"{prefix}.products");
        Gradients = archive.ReadLong($"{prefix}.gradients");
        LossEvaluations = archive.ReadLong($"{prefix}.loss-evaluations");
        archive.ReadInto($"{prefix}.random", Random);
    }

    public void Dispose() => Random.Dispose();
}
