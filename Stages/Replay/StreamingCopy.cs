using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pipeline.Stages.Replay;

/// <summary>
/// Copies with non-temporal (streaming) stores: the destination's cache lines are written to memory without first
/// being read into the cache. For a table much larger than the cache, an insert's destination is cold and is not read
/// again soon (sampling draws from the whole table), so an ordinary copy pays a read of every line it overwrites and
/// evicts useful lines; streaming saves that traffic (64 Atari items into consecutive slots of a 353 MB array: 35-40
/// GB/s, against 20-21 item by item and 22-24 as one ordinary copy; docs/PERFORMANCE.md). Falls back to an
/// ordinary copy where AVX is missing.
/// </summary>
static class StreamingCopy
{
    /// <summary>Tables from this size on insert with streaming stores: larger than a typical last-level cache.</summary>
    public const long MinimumTableBytes = 64L << 20;

    /// <summary>Shorter runs copy normally: the aligned head and tail would dominate.</summary>
    public const int MinimumBytes = 512;

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> (same length, not overlapping), then fences,
    /// so the bytes are visible to any thread that synchronises with this one afterwards (streaming stores are weakly
    /// ordered; AMD's rules do not let a lock release order them, so the fence keeps this portable across x86).
    /// </summary>
    public static unsafe void Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"copying {source.Length} bytes into {destination.Length}", nameof(destination));
        if (!Avx.IsSupported || source.Length < MinimumBytes)
        {
            source.CopyTo(destination);
            return;
        }
        fixed (byte* from = source)
        fixed (byte* to = destination)
        {
            // Streaming stores need 32-byte aligned destinations: an ordinary copy up to the first boundary.
            var head = (int)((32 - ((nint)to & 31)) & 31);
            Buffer.MemoryCopy(from, to, head, head);
            byte* s = from + head, d = to + head;
            var left = source.Length - head;
            for (; left >= 128; s += 128, d += 128, left -= 128)
            {
                var (a, b, c, e) = (Vector256.Load(s), Vector256.Load(s + 32), Vector256.Load(s + 64), Vector256.Load(s + 96));
                Avx.StoreAlignedNonTemporal(d, a);
                Avx.StoreAlignedNonTemporal(d + 32, b);
                Avx.StoreAlignedNonTemporal(d + 64, c);
                Avx.StoreAlignedNonTemporal(d + 96, e);
            }
            for (; left >= 32; s += 32, d += 32, left -= 32) Avx.StoreAlignedNonTemporal(d, Vector256.Load(s));
            Buffer.MemoryCopy(s, d, left, left);
            Sse.StoreFence();
        }
    }
}
