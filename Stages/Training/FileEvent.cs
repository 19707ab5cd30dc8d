namespace Pipeline.Stages.Training;

/// <summary>A file a training stage produced (a sample grid, say), to be written under the run directory.</summary>
/// <param name="RelativePath">where, relative to the run directory (e.g. samples/step-000500.png).</param>
public sealed record FileEvent(long Step, string RelativePath, byte[] Contents) : RunEvent(Step);
