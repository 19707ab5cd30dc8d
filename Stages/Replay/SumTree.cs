namespace Pipeline.Stages.Replay;

/// <summary>
/// A binary sum-tree over <c>capacity</c> non-negative leaves (doubles): O(log n) set and sample, O(1) total.
/// Every parent is recomputed as the sum of its two children, never adjusted by a difference, so rounding
/// errors do not accumulate over updates: a parent is always the rounded sum of its children, and the total
/// is within about log2(n) ulps (relative) of the exact sum. For the same leaves, the tree holds the same bits,
/// whatever order the leaves were set in; a restored table therefore samples exactly as the original.
/// </summary>
sealed class SumTree
{
    readonly double[] nodes;
    readonly int leaves;

    public SumTree(int capacity)
    {
        leaves = 1;
        while (leaves < capacity) leaves <<= 1;
        nodes = new double[2 * leaves];
    }

    public double Total => nodes[1];

    public double this[int leaf] => nodes[leaves + leaf];

    public void Set(int leaf, double value)
    {
        var i = leaves + leaf;
        nodes[i] = value;
        for (i >>= 1; i >= 1; i >>= 1) nodes[i] = nodes[2 * i] + nodes[2 * i + 1];
    }

    /// <summary>Sets a leaf without updating its ancestors; <see cref="Recompute"/> must follow.</summary>
    public void SetLeaf(int leaf, double value) => nodes[leaves + leaf] = value;

    /// <summary>
    /// Recomputes the ancestors of leaves [<paramref name="low"/>, <paramref name="high"/>] level by level: O(range + log n),
    /// and bit-identical to setting the leaves one by one (a parent is always the sum of its children).
    /// </summary>
    public void Recompute(int low, int high)
    {
        for (int a = (leaves + low) >> 1, b = (leaves + high) >> 1; a >= 1; a >>= 1, b >>= 1)
            for (var i = a; i <= b; i++) nodes[i] = nodes[2 * i] + nodes[2 * i + 1];
    }

    /// <summary>
    /// The leaf where the prefix sum crosses <paramref name="u"/> in [0, Total). Never a zero leaf when Total &gt; 0:
    /// the walk only enters nodes with a positive sum.
    /// </summary>
    public int Find(double u)
    {
        var i = 1;
        while (i < leaves)
        {
            var left = nodes[2 * i];
            if (u < left || nodes[2 * i + 1] <= 0) i = 2 * i;
            else
            {
                u -= left;
                i = 2 * i + 1;
            }
        }
        return i - leaves;
    }

    public void Clear() => Array.Clear(nodes);
}
