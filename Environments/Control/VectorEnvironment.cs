using System.Runtime.CompilerServices;
using Pipeline.Environments.Data;

namespace Pipeline.Environments.Control;

/// <summary>
/// The batching, checking and auto-reset shared by every environment here. A subclass says how one copy starts an
/// episode, takes one action and writes its observation; this class keeps each copy's return, length and random
/// stream (one SplitMix64 state per copy, seeded from (seed, first copy + i)), so stepping allocates nothing.
/// </summary>
public abstract class VectorEnvironment : IVectorEnvironment
{
    readonly ulong[] streams;
    readonly double[] returns;
    readonly int[] lengths;
    readonly int firstCopy;
    readonly long streamTag;
    bool started;

    /// <param name="firstCopy">this batch's first copy within a larger batch split across threads (seeds and summaries use firstCopy + i).</param>
    protected VectorEnvironment(string name, int count, int firstCopy, int actionCount, int[] observationShape)
    {
        ConfigCheck.InRange(nameof(Count), count, 1, 1 << 20);
        ConfigCheck.InRange(nameof(firstCopy), firstCopy, 0, int.MaxValue - count);
        (Name, Count, this.firstCopy, ActionCount, ObservationShape) = (name, count, firstCopy, actionCount, observationShape);
        ObservationSize = observationShape.Aggregate(1, (a, b) => a * b);
        // Separates the streams of different environments built from the same seed.
        streamTag = name.Aggregate(17L, (h, c) => unchecked(h * 31 + c));
        (streams, returns, lengths) = (new ulong[count], new double[count], new int[count]);
    }

    public string Name { get; }
    public int Count { get; }
    public int ActionCount { get; }
    public int[] ObservationShape { get; }
    public int ObservationSize { get; }
    public virtual bool ByteObservations => false;

    /// <summary>Steps after which an episode is truncated.</summary>
    protected abstract int EpisodeLimit { get; }

    /// <summary>Begins copy <paramref name="copy"/>'s next episode, drawing from <paramref name="stream"/>.</summary>
    protected abstract void StartEpisode(int copy, ref ulong stream);

    /// <summary>Applies a checked action to copy <paramref name="copy"/>: the reward and whether the episode terminated.</summary>
    protected abstract (double Reward, bool Terminated) Advance(int copy, int action, ref ulong stream);

    /// <summary>Writes copy <paramref name="copy"/>'s current observation (ObservationSize floats).</summary>
    protected abstract void Observe(int copy, Span<float> observation);

    /// <summary>The finished episode's metric, read before the copy restarts.</summary>
    protected abstract double VisitedFraction(int copy);

    /// <summary>Whether the finished episode obtained the sparse reward.</summary>
    protected abstract bool Solved(int copy);

    public abstract string RenderText(int copy);
    public abstract RgbFrame RenderFrame(int copy);

    public void Reset(ulong seed, Span<float> observations)
    {
        ExpectLength(nameof(observations), observations.Length, perCopy: ObservationSize);
        for (var i = 0; i < Count; i++)
        {
            streams[i] = SeedMix.Mix(unchecked((long)seed), firstCopy + i, streamTag);
            (returns[i], lengths[i]) = (0, 0);
            StartEpisode(i, ref streams[i]);
            Observe(i, observations.Slice(i * ObservationSize, ObservationSize));
        }
        started = true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<int> actions, Span<float> observations, Span<float> rewards,
                     Span<bool> terminated, Span<bool> truncated, List<EpisodeSummary> finished)
    {
        CheckStep(actions, observations, rewards, terminated, truncated);
        for (var i = 0; i < Count; i++)
        {
            var (reward, done) = Advance(i, actions[i], ref streams[i]);
            returns[i] += reward;
            lengths[i]++;
            var cut = !done && lengths[i] >= EpisodeLimit;
            (rewards[i], terminated[i], truncated[i]) = ((float)reward, done, cut);
            if (done || cut)
            {
                finished.Add(new EpisodeSummary(firstCopy + i, returns[i], lengths[i], VisitedFraction(i), Solved(i)));
                (returns[i], lengths[i]) = (0, 0);
                StartEpisode(i, ref streams[i]);
            }
            Observe(i, observations.Slice(i * ObservationSize, ObservationSize));
        }
    }

    /// <summary>Every check happens before any copy moves, so a bad call leaves the batch as it was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void CheckStep(ReadOnlySpan<int> actions, Span<float> observations, Span<float> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        if (!started) throw new InvalidOperationException($"{Name}: call Reset(seed, observations) before Step");
        ExpectLength(nameof(actions), actions.Length, perCopy: 1);
        ExpectLength(nameof(observations), observations.Length, perCopy: ObservationSize);
        ExpectLength(nameof(rewards), rewards.Length, perCopy: 1);
        ExpectLength(nameof(terminated), terminated.Length, perCopy: 1);
        ExpectLength(nameof(truncated), truncated.Length, perCopy: 1);
        for (var i = 0; i < actions.Length; i++)
            if ((uint)actions[i] >= (uint)ActionCount)
                throw new ArgumentException($"actions[{i}] = {actions[i]} is not an action of {Name}; expected 0 to {ActionCount - 1}", nameof(actions));
    }

    /// <summary>The message is built only on failure: stepping must not allocate.</summary>
    void ExpectLength(string name, int actual, int perCopy)
    {
        if (actual == Count * perCopy) return;
        var meaning = perCopy == 1 ? $"Count = {Count}" : $"Count * ObservationSize = {Count} * {perCopy} = {Count * perCopy}";
        throw new ArgumentException($"{name} has {actual} entries; expected {meaning}", name);
    }

    /// <summary>Throws for a copy index outside the batch (render calls).</summary>
    protected void CheckCopy(int copy)
    {
        if ((uint)copy >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(copy), copy, $"{Name} has copies 0 to {Count - 1}");
        if (!started) throw new InvalidOperationException($"{Name}: call Reset before rendering");
    }
}
