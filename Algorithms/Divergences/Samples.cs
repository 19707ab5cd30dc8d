using static TorchSharp.torch;

namespace Pipeline.Algorithms.Divergences;

/// <summary>Argument checks shared by the sample divergences: every problem named by its argument.</summary>
public static class Samples
{
    /// <summary>Throws <see cref="ArgumentException"/> if x or y is empty, not (n x d), of different d, or holds NaN or infinity.</summary>
    public static void Check(Tensor x, Tensor y, string xName = "x", string yName = "y")
    {
        foreach (var (t, name) in new[] { (x, xName), (y, yName) })
        {
            if (t.dim() != 2) throw new ArgumentException($"{name} must be a (samples x features) matrix, not of shape [{string.Join(", ", t.shape)}]", name);
            if (t.shape[0] == 0) throw new ArgumentException($"{name} holds no samples", name);
            using var finite = t.isfinite().all();
            if (!finite.item<bool>()) throw new ArgumentException($"{name} holds NaN or infinite values", name);
        }
        if (x.shape[1] != y.shape[1])
            throw new ArgumentException($"{xName} has {x.shape[1]} features per sample but {yName} has {y.shape[1]}", yName);
    }
}
