using System.Runtime.CompilerServices;

namespace Pipeline.Environments.Control;

/// <summary>
/// SplitMix64 as a per-copy generator: one ulong of state, no allocation, so a copy's stream is a plain array slot.
/// </summary>
/// <remarks>
/// The stepping code is marked AggressiveOptimization throughout: the programs run with DOTNET_TC_CallCounting=0
/// (RuntimeGuard), which keeps ordinary methods at tier 0, unoptimized, for the life of the process.
/// </remarks>
public static class SplitMix
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Next(ref ulong state)
    {
        unchecked
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform on [0, n) by Lemire's multiply-shift; the bias is at most n / 2^64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Below(ref ulong state, int n) => (int)Math.BigMul(Next(ref state), (ulong)n, out _);

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Unit(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));
}
