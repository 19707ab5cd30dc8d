namespace Pipeline.Environments.Control;

/// <summary>Many copies of one environment stepped together; each copy auto-resets when its episode ends.</summary>
public interface IVectorEnvironment
{
    string Name { get; }
    /// <summary>Number of copies.</summary>
    int Count { get; }
    int ActionCount { get; }
    /// <summary>Per copy, channels first, e.g. [C, H, W] or [2].</summary>
    int[] ObservationShape { get; }
    /// <summary>The product of <see cref="ObservationShape"/>.</summary>
    int ObservationSize { get; }
    /// <summary>
    /// Every observation value is k / 255 for an integer k in [0, 255], so replay can keep each in a byte
    /// (<see cref="ObservationBytes"/>).
    /// </summary>
    bool ByteObservations { get; }

    /// <summary>Starts every copy's first episode; copy i draws from its own stream derived from (seed, i).</summary>
    /// <param name="observations">Count * ObservationSize floats, copy after copy.</param>
    void Reset(ulong seed, Span<float> observations);

    /// <summary>
    /// Steps every copy. When copy i's episode ends (terminated or truncated), rewards[i] and the flags describe the
    /// last transition and observations[i] already holds the FIRST observation of its next episode; the finished
    /// episode's summary is appended to <paramref name="finished"/>.
    /// </summary>
    void Step(ReadOnlySpan<int> actions, Span<float> observations, Span<float> rewards,
              Span<bool> terminated, Span<bool> truncated, List<EpisodeSummary> finished);

    /// <summary>A human-readable frame of copy <paramref name="copy"/>.</summary>
    string RenderText(int copy);

    /// <summary>An RGB picture of copy <paramref name="copy"/> (for PNG frames).</summary>
    RgbFrame RenderFrame(int copy);
}

/// <summary>One finished episode of one copy.</summary>
/// <param name="Copy">the copy's index (offset by the environment's first copy when it is one part of a larger batch).</param>
/// <param name="Return">the undiscounted sum of the episode's rewards.</param>
/// <param name="Length">steps taken, the last (terminal or truncated) one included.</param>
/// <param name="VisitedFraction">fraction of the reachable (non-wall) cells visited in the episode (Disco Maze's metric, NGU 4.1).</param>
/// <param name="Solved">the sparse reward was obtained.</param>
public readonly record struct EpisodeSummary(int Copy, double Return, int Length, double VisitedFraction, bool Solved);
