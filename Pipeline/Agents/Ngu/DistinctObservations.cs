using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// How many different observations the actors have seen, by 64-bit hash: the coverage measure of deep exploration in
/// environments whose observation is the state (DeepSea, the key-door maze). Meaningless where observations carry noise
/// (Disco Maze's wall colours). Thread-safe.
/// </summary>
public sealed class DistinctObservations
{
    readonly HashSet<ulong> seen = [];

    public int Count
    {
        get { lock (seen) return seen.Count; }
    }

    public void Add(ReadOnlySpan<float> observations, int size)
    {
        lock (seen)
            for (var i = 0; i + size <= observations.Length; i += size)
                seen.Add(Fnv1a(MemoryMarshal.Cast<float, uint>(observations.Slice(i, size))));
    }

    /// <summary>64-bit FNV-1a over the floats' bits, one 32-bit word at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static ulong Fnv1a(ReadOnlySpan<uint> words)
    {
        var hash = 14695981039346656037UL;
        foreach (var w in words) hash = (hash ^ w) * 1099511628211UL;
        return hash;
    }
}
