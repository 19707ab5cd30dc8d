using System.Runtime.CompilerServices;
using Pipeline.Runs;

namespace Pipeline.Properties;

static class IntraOpThreadsSetup
{
    /// <summary>
    /// One LibTorch intra-op thread, as the CLI's default: tests run in parallel on thread-pool threads, and with
    /// LibTorch's default (one per core) each of them would keep an OpenMP team (docs/PERFORMANCE.md, intra-op threads).
    /// </summary>
    [ModuleInitializer]
    internal static void OneThread() => IntraOpThreads.Configure(1);
}
