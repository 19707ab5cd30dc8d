using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>Bad data fails before it reaches a network, with the argument's name: it is an error of the caller's, not a bug here.</summary>
public static class DataChecks
{
    /// <summary>Throws unless <paramref name="x"/> is a finite (rows x <paramref name="dimension"/>) matrix with at least <paramref name="minRows"/> rows.</summary>
    public static void Matrix(Tensor x, int dimension, int minRows, string argument)
    {
        if (x.dim() != 2 || x.shape[1] != dimension)
            throw new ArgumentException($"{argument} has shape [{string.Join(", ", x.shape)}]; expected [rows, {dimension}]", argument);
        if (x.shape[0] < minRows)
            throw new ArgumentException($"{argument} has {x.shape[0]} rows; at least {minRows} needed", argument);
        if (!x.isfinite().all().item<bool>())
            throw new ArgumentException($"{argument} holds NaN or infinite values", argument);
    }
}
