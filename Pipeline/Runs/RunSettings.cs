using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Runs;

/// <summary>How a training run is observed and saved; set with <c>--set</c> like the algorithm's own fields.</summary>
public sealed record RunSettings : IConfig<RunSettings>
{
    [Param("evaluate on held-out data every this many steps (and at the end)", Min = 1)]
    public long EvalEvery { get; init; } = 500;

    [Param("write a checkpoint every this many steps (and at the end)", Min = 1)]
    public long CheckpointEvery { get; init; } = 1000;

    [Param("checkpoints kept (the newest)", Min = 1, Max = 1000)]
    public int KeepCheckpoints { get; init; } = 3;

    [Param("batches prepared ahead of the trainer (the data stage's queue bound)", Min = 1, Max = 1024)]
    public int Prefetch { get; init; } = 4;

    public Validation<Error, RunSettings> Validate() => ConfigRules.Check(this);
}
