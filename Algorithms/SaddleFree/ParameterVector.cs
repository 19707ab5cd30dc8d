using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// A parameter list seen as one vector theta in R^n, the space the Hessian acts on. The vector is float64 whatever
/// the parameters' dtype: Lanczos and the small eigenproblems run in double precision, products in the model's.
/// </summary>
public static class ParameterVector
{
    public static long Count(IReadOnlyList<Tensor> parameters) => parameters.Sum(p => p.numel());

    /// <summary>The concatenated values of <paramref name="tensors"/> as a new float64 vector (no graph, never a view of them).</summary>
    public static Tensor Flatten(IEnumerable<Tensor> tensors) =>
        // Copied piece by piece: to_type of a float64 tensor and cat of a single piece may both return the tensor itself,
        // and a "saved" point that aliases the parameters would follow them instead of restoring them.
        cat(tensors.Select(t => t.detach().reshape(-1).to_type(ScalarType.Float64, copy: true)).ToList(), 0);

    /// <summary>Pieces of the flat <paramref name="vector"/> shaped and typed like each of <paramref name="like"/>.</summary>
    public static Tensor[] Split(Tensor vector, IReadOnlyList<Tensor> like)
    {
        var pieces = new Tensor[like.Count];
        long offset = 0;
        for (var i = 0; i < like.Count; i++)
        {
            var size = like[i].numel();
            pieces[i] = vector.narrow(0, offset, size).reshape(like[i].shape).to_type(like[i].dtype);
            offset += size;
        }
        return pieces;
    }

    /// <summary>Writes <paramref name="vector"/> into the parameters in place (their dtype; float32 rounds once).</summary>
    public static void Assign(IReadOnlyList<Tensor> parameters, Tensor vector)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var pieces = Split(vector, parameters);
        for (var i = 0; i < parameters.Count; i++) parameters[i].copy_(pieces[i]);
    }
}
