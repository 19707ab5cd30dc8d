using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Divergences;

/// <summary>
/// Means of a function of pairwise distances over all pairs (i, j), computed in blocks of rows and columns so
/// that memory stays O(block^2) (8 MB per float64 block of 1,024 x 1,024) whatever the sample sizes. Differentiable.
/// </summary>
static class PairwiseMeans
{
    public const int Block = 1024;

    /// <param name="ofSquaredDistance">maps a block of squared distances to the summed quantity.</param>
    /// <param name="excludeDiagonal">x and y are the same sample: skip i = j and divide by n(n - 1) (a U-statistic).</param>
    /// <remarks>
    /// When x and y are the same tensor, the distance of a point to itself is set to exactly 0 (the mm form leaves
    /// rounding there, whose square root would bias the energy distance by about 1e-8).
    /// </remarks>
    public static Tensor Mean(Tensor x, Tensor y, Func<Tensor, Tensor> ofSquaredDistance, bool excludeDiagonal)
    {
        var same = ReferenceEquals(x, y);
        var (n, m) = (x.shape[0], y.shape[0]);
        Tensor? total = null;
        for (long i = 0; i < n; i += Block)
        {
            var rows = x.narrow(0, i, Math.Min(Block, n - i));
            var rowNorms = ScalarFree.Square(rows).sum(1, keepdim: true);
            for (long j = 0; j < m; j += Block)
            {
                var columns = y.narrow(0, j, Math.Min(Block, m - j));
                var columnNorms = ScalarFree.Square(columns).sum(1).unsqueeze(0);
                // |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, clamped at 0 against rounding; smooth where distances vanish.
                var squared = rowNorms.add(columnNorms).sub(rows.matmul(columns.t()).mul(Scalars.Of(2))).clamp_min(Scalars.Of(0));
                var offDiagonal = same && i == j ? ones_like(squared).triu(1).add(ones_like(squared).tril(-1)) : null;
                if (offDiagonal is not null) squared = squared.mul(offDiagonal);
                var values = ofSquaredDistance(squared);
                if (excludeDiagonal && offDiagonal is not null) values = values.mul(offDiagonal);
                var sum = values.sum();
                total = total is null ? sum : total.add(sum);
            }
        }
        var count = excludeDiagonal ? (double)n * (n - 1) : (double)n * m;
        if (count <= 0) throw new ArgumentException($"a U-statistic needs at least 2 samples, not {n}");
        return total!.div(Scalars.Of(count));
    }
}
