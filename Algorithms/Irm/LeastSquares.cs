using static TorchSharp.torch;

namespace Pipeline.Algorithms.Irm;

/// <summary>
/// ERM of the synthetic experiments: ordinary least squares without intercept on the pooled environments
/// (irm_ngu.md 1.8, sklearn's LinearRegression(fit_intercept=False)), through the normal equations XᵀX w = Xᵀy in
/// float64. LibTorch's lstsq gave results differing in the last bits from run to run on this machine; the normal
/// equations are reproducible, and with a few inputs and thousands of rows well conditioned.
/// </summary>
public static class LeastSquares
{
    /// <summary>argmin_w ‖X w − y‖² over the rows of every environment together (d x 1).</summary>
    public static Tensor Fit(IReadOnlyList<(Tensor Inputs, Tensor Targets)> environments)
    {
        using var scope = NewDisposeScope();
        var x = cat(environments.Select(e => e.Inputs).ToList(), 0);
        var y = cat(environments.Select(e => e.Targets).ToList(), 0);
        var xt = x.t();
        return linalg.solve(xt.matmul(x), xt.matmul(y)).MoveToOuterDisposeScope();
    }
}
