using LanguageExt;
using LanguageExt.Common;

namespace Pipeline.Stages.Graph;

public enum RunStatus
{
    /// <summary>Every source ran out and every message reached its sinks.</summary>
    Completed,
    /// <summary>Stopped on request (Ctrl+C, a cancellation token): sources stopped, everything in flight drained.</summary>
    Stopped,
    /// <summary>A stage failed: the run was cancelled, sinks flushed and closed.</summary>
    Failed,
}

public sealed record RunResult(RunStatus Status, StageFailure? Failure, TimeSpan Elapsed)
{
    /// <summary>Throws <see cref="StageFailedException"/> naming the failing stage if the run failed.</summary>
    public RunResult ThrowIfFailed() =>
        Failure is { } f ? throw new StageFailedException(f.Stage, f.Error) : this;

    public Fin<RunResult> ToFin() =>
        Failure is { } f ? Fin<RunResult>.Fail(Error.New($"stage '{f.Stage}' failed: {f.Error.Message}", f.Error)) : this;
}

/// <summary>The error a failed run reports: the stage's name and what it threw.</summary>
public sealed class StageFailedException(string stage, Exception inner)
    : Exception($"stage '{stage}' failed: {inner.Message}", inner)
{
    public string Stage { get; } = stage;
}
