using Pipeline.Algorithms.Core;
using Pipeline.Cluster.Grains;
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

    /// <summary>The form actor hosts on a cluster's silos report and start from.</summary>
    public RewardStatistics ToWire() => new(RndCount, RndMean, RndVariance, DistanceMeans, DistancesSeen);

    public static ActorStatistics FromWire(RewardStatistics wire) => new(wire.RndCount, wire.RndMean, wire.RndVariance, wire.DistanceMeans, wire.DistancesSeen);

    /// <summary>
    /// One run's statistics from its actor hosts', each of which serves the copies in its range (the others read 0
    /// there): every copy's d_m^2 from the host that serves it; RND's moments pooled over the hosts, weighted by how
    /// many errors each has seen (each host normalises with its own moments, so a resumed run gives every host the
    /// pooled ones).
    /// </summary>
    public static ActorStatistics Merge(int copies, IReadOnlyList<(int FirstCopy, int Copies, ActorStatistics Part)> hosts)
    {
        var means = new double[copies];
        var seen = new long[copies];
        foreach (var (first, count, part) in hosts)
        {
            if (part.DistanceMeans.Length != copies || part.DistancesSeen.Length != copies)
                throw new ArgumentException($"an actor host's statistics are for {part.DistanceMeans.Length} copies; this run has {copies}");
            Array.Copy(part.DistanceMeans, first, means, first, count);
            Array.Copy(part.DistancesSeen, first, seen, first, count);
        }
        var total = hosts.Sum(h => h.Part.RndCount);
        if (total == 0) return new ActorStatistics(0, 0, 0, means, seen);
        var mean = hosts.Sum(h => h.Part.RndCount * h.Part.RndMean) / total;
        var variance = hosts.Sum(h => h.Part.RndCount * (h.Part.RndVariance + (h.Part.RndMean - mean) * (h.Part.RndMean - mean))) / total;
        return new ActorStatistics(total, mean, variance, means, seen);
    }

    /// <summary><see cref="Read"/>, or null when the entries are for another number of copies (a config change).</summary>
    public static ActorStatistics? TryRead(TensorArchiveReader archive, int copies)
    {
        try { return Read(archive, copies); }
        catch (InvalidDataException) { return null; }
    }
}
