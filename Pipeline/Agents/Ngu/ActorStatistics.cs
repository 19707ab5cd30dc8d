using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// The actors' life-long statistics of the intrinsic reward, which a run checkpoint carries so that a resumed run's
/// rewards continue on the same scale: RND's error moments (mu_e, sigma_e) and each copy's running mean of k-nearest
/// squared distances d_m^2. Episodic memories and recurrent states are per episode, and a resumed run starts new episodes.
/// </summary>
public sealed record ActorStatistics(long RndCount, double RndMean, double RndVariance, double[] DistanceMeans, long[] DistancesSeen)
{
    const string Name = "actors.rnd";

    /// <summary>Appends the statistics to a checkpoint after the learner's entries.</summary>
    public void Write(TensorArchiveWriter archive)
    {
        using var rnd = tensor(new[] { RndMean, RndVariance });
        using var means = tensor(DistanceMeans);
        using var seen = tensor(DistancesSeen);
        archive.Add($"{Name}.count", RndCount).Add(Name, rnd).Add("actors.distance-means", means).Add("actors.distances-seen", seen);
    }

    /// <summary>Reads what <see cref="Write"/> appended; the copy count must be the run's.</summary>
    public static ActorStatistics Read(TensorArchiveReader archive, int copies)
    {
        var count = archive.ReadLong($"{Name}.count");
        using var rnd = zeros(2, ScalarType.Float64);
        using var means = zeros(copies, ScalarType.Float64);
        using var seen = zeros(copies, ScalarType.Int64);
        archive.ReadInto(Name, rnd);
        archive.ReadInto("actors.distance-means", means);
        archive.ReadInto("actors.distances-seen", seen);
        var moments = rnd.data<double>().ToArray();
        return new ActorStatistics(count, moments[0], moments[1], means.data<double>().ToArray(), seen.data<long>().ToArray());
    }

    /// <summary>
    /// The same statistics for another number of copies (an evaluation's): RND's moments as they are, and for every copy
    /// the running mean d_m^2 pooled over the copies that have seen distances (weighted by how many).
    /// </summary>
    public ActorStatistics Pooled(int copies)
    {
        var seen = DistancesSeen.Sum();
        var mean = seen == 0 ? 0 : DistanceMeans.Zip(DistancesSeen, (m, n) => m * n).Sum() / seen;
        var each = DistancesSeen.Length == 0 ? 0 : seen / DistancesSeen.Length;
        return new ActorStatistics(RndCount, RndMean, RndVariance, Enumerable.Repeat(mean, copies).ToArray(), Enumerable.Repeat(each, copies).ToArray());
    }

    /// <summary><see cref="Read"/>, or null when the entries are for another number of copies (a config change).</summary>
    public static ActorStatistics? TryRead(TensorArchiveReader archive, int copies)
    {
        try { return Read(archive, copies); }
        catch (InvalidDataException) { return null; }
    }
}
