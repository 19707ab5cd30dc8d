namespace Pipeline.Environments.Data;

/// <summary>Derives independent generator seeds from (seed, index) pairs, so data can be addressed by step.</summary>
public static class SeedMix
{
    /// <summary>SplitMix64's finaliser over the pair: nearby pairs give unrelated seeds.</summary>
    public static ulong Mix(long seed, long index, long stream = 0)
    {
        unchecked
        {
            var z = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index * 0xBF58476D1CE4E5B9UL + (ulong)stream * 0x94D049BB133111EBUL + 0x632BE59BD9B4E019UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
