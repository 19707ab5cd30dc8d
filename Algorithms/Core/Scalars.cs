using System.Collections.Concurrent;
using TorchSharp;

namespace Pipeline.Algorithms.Core;

/// <summary>
/// Long-lived TorchSharp scalars. TorchSharp passes a Scalar's native handle to LibTorch without keeping the Scalar
/// object alive, so a temporary one (an implicit double-to-Scalar conversion) can be finalized in the middle of the
/// call when another thread triggers a garbage collection; LibTorch then reads freed memory and fails with
/// "Unknown scalar type" (seen here in a multi-threaded run, never in a single-threaded loop). Code that runs every
/// step takes its constants from here (cached for the process) or holds per-step scalars in a using variable.
/// </summary>
public static class Scalars
{
    static readonly ConcurrentDictionary<double, Scalar> Cache = new();

    /// <summary>A scalar that lives as long as the process: for constants and config values, not per-step values.</summary>
    public static Scalar Of(double value) => Cache.GetOrAdd(value, v => v.ToScalar());
}
