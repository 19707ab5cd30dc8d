using System.Runtime.CompilerServices;

namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// The constants of NGU's episodic novelty (Algorithm 1, appendix A.1; irm_ngu.md 2.2). Defaults are Table 6's; where the
/// paper contradicts itself (kernel epsilon: 1e-3 in section 2, 1e-4 in Table 6, 0.01 for Disco Maze in Table 7) the
/// recipe states its choice.
/// </summary>
public sealed record EpisodicKernel(
    int Neighbours = 10,
    double KernelEpsilon = 1e-4,
    double ClusterDistance = 0.008,
    double PseudoCount = 0.001,
    double MaxSimilarity = 8);

/// <summary>
/// One environment copy's episodic memory M of controllable-state embeddings and the reward of Algorithm 1:
/// the k nearest neighbours by squared Euclidean distance, normalised by a running mean of those distances,
/// clustered, passed through the inverse kernel; r = 1 / (sqrt(sum K) + c), or 0 above the maximum similarity.
/// Memory is a ring buffer (appendix A.2) emptied at each episode start; the running mean is kept across episodes,
/// being a property of the embedding's scale rather than of one episode (the paper gives no averaging rate; this
/// is the exact cumulative mean). Plain C#: brute-force search is O(|M| d) per step, as the paper's.
/// </summary>
public sealed class EpisodicMemory
{
    readonly float[] embeddings;
    readonly double[] nearest;
    readonly int dimension;
    readonly int capacity;
    readonly EpisodicKernel kernel;
    int count, next;
    double meanSquaredDistance;
    long distancesSeen;

    public EpisodicMemory(int capacity, int dimension, EpisodicKernel kernel)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "episodic memory capacity must be at least 1");
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "embedding size must be at least 1");
        if (kernel.Neighbours < 1) throw new ArgumentOutOfRangeException(nameof(kernel), kernel.Neighbours, "the number of neighbours k must be at least 1");
        (this.capacity, this.dimension, this.kernel) = (capacity, dimension, kernel);
        embeddings = new float[capacity * dimension];
        nearest = new double[kernel.Neighbours];
    }

    public int Count => count;

    /// <summary>The running mean of k-nearest squared distances d_m^2 and how many distances it averages (kept across episodes).</summary>
    public (double Mean, long Seen) DistanceStatistics => (meanSquaredDistance, distancesSeen);

    /// <summary>Continues the running mean d_m^2 from saved statistics (a resumed run's actors).</summary>
    public void RestoreDistanceStatistics(double mean, long seen)
    {
        if (seen < 0 || !double.IsFinite(mean) || mean < 0)
            throw new ArgumentException($"saved distance statistics (mean {mean} over {seen}) are not a mean of squared distances");
        (meanSquaredDistance, distancesSeen) = (mean, seen);
    }

    /// <summary>Empties the memory for a new episode.</summary>
    public void Clear() => (count, next) = (0, 0);

    /// <summary>The episodic reward of <paramref name="embedding"/> against the memory, which then stores it (Algorithm 1).</summary>
    public double RewardAndAdd(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != dimension) throw new ArgumentException($"embedding has {embedding.Length} values; this memory holds embeddings of size {dimension}", nameof(embedding));
        var reward = count == 0 ? 0.0 : Reward(embedding);
        embedding.CopyTo(embeddings.AsSpan(next * dimension, dimension));
        next = (next + 1) % capacity;
        count = Math.Min(count + 1, capacity);
        return reward;
    }

    // Hot pure C#: optimised at once, since the pipeline's runtime settings keep ordinary methods at tier 0 (see RuntimeGuard).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double Reward(ReadOnlySpan<float> embedding)
    {
        var k = Math.Min(kernel.Neighbours, count);
        var found = 0;
        for (var i = 0; i < count; i++)
        {
            var distance = SquaredDistance(embedding, embeddings.AsSpan(i * dimension, dimension));
            if (found < k) InsertSorted(distance, found++);
            else if (distance < nearest[k - 1]) InsertSorted(distance, k - 1);
        }
        for (var i = 0; i < k; i++) meanSquaredDistance += (nearest[i] - meanSquaredDistance) / ++distancesSeen;
        var similarity = 0.0;
        for (var i = 0; i < k; i++)
        {
            // Normalise by the updated mean (step 3); identical embeddings with a zero mean are at distance 0.
            var normalised = meanSquaredDistance > 0 ? nearest[i] / meanSquaredDistance : 0;
            var clustered = Math.Max(normalised - kernel.ClusterDistance, 0);
            similarity += kernel.KernelEpsilon / (clustered + kernel.KernelEpsilon);
        }
        var s = Math.Sqrt(similarity) + kernel.PseudoCount;
        return s > kernel.MaxSimilarity ? 0 : 1 / s;
    }

    /// <summary>Places <paramref name="distance"/> into the ascending list nearest[0..last], dropping what was at last.</summary>
    void InsertSorted(double distance, int last)
    {
        var i = last;
        while (i > 0 && nearest[i - 1] > distance) { nearest[i] = nearest[i - 1]; i--; }
        nearest[i] = distance;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = (double)a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
