using Pipeline.Stages.Training;
using TorchSharp;

namespace Pipeline.Runs;

/// <summary>
/// LibTorch's intra-op threads in this process: <c>--threads N</c> for training stages, each on a thread of its own
/// (<see cref="TrainerThread"/>), and one on every other thread. LibTorch's OpenMP keeps a team of intra-op threads for
/// every thread that ran a parallel operation, and once the teams hold more threads than there are cores libgomp stops
/// spinning in all of them: with two intra-op threads everywhere, data stages and earlier sub-runs left teams behind and
/// training on two cores ran 3-7x slower than with one thread (docs/PERFORMANCE.md).
/// </summary>
public static class IntraOpThreads
{
    /// <summary>The intra-op threads a training stage runs with.</summary>
    public static int Training { get; private set; } = 1;

    public static void Configure(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one intra-op thread");
        // A thread takes LibTorch's process-wide count at its first parallel operation: 1, so that threads other than a
        // trainer's never start a team.
        torch.set_num_threads(1);
        Training = count;
        TrainerThread.Start = count > 1 ? () => OnThisThread(count) : null;
    }

    /// <summary>Gives the calling thread <paramref name="count"/> intra-op threads and leaves every other thread's as it was.</summary>
    public static void OnThisThread(int count)
    {
        // LibTorch initialises a thread's count lazily from the process-wide one; done later, that would undo ours.
        torch.get_num_threads();
        torch.set_num_threads(count); // this thread's, and as a side effect the process-wide default...
        var restore = new Thread(() => torch.set_num_threads(1)); // ...which another thread sets back to 1
        restore.Start();
        restore.Join();
    }
}
