namespace Pipeline.Stages.Replay;

/// <summary>
/// xoshiro256** with state that can be saved: a checkpointed table continues the exact random stream it
/// would have drawn (System.Random cannot be serialized). Seeded through SplitMix64, as its authors advise.
/// </summary>
public sealed class ReplayRandom
{
    ulong s0, s1, s2, s3;

    public ReplayRandom(long seed)
    {
        var x = (ulong)seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    internal void Restore(ulong[] state) => (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3]);

    internal ulong[] State => [s0, s1, s2, s3];

    public ulong NextUInt64()
    {
        var result = RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
