using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;

namespace Pipeline.Reproductions;

/// <summary>A paper's experiment: several training runs and the tables and figures the paper reports.</summary>
public interface IReproduction
{
    string Name { get; }
    string Summary { get; }
    string Paper { get; }

    /// <summary>Runs the experiment into <paramref name="context"/>'s folder and fills its report.</summary>
    Task Run(ReproductionContext context, CancellationToken cancellation);
}

/// <summary>Where a reproduction writes, how big it runs, and a way to run one recipe as a sub-run.</summary>
/// <param name="progress">makes a progress sink for a sub-run from its (name, start, last step); none when null.</param>
/// <param name="resume">continue an earlier attempt in <paramref name="directory"/>: a sub-run found there continues
/// from its newest checkpoint (a finished one trains no further) instead of being refused.</param>
/// <param name="jobs">how many independent sub-runs a reproduction that supports it trains at once (each with the
/// process's TorchSharp threads); 1 trains them one after another.</param>
public sealed class ReproductionContext(string directory, bool quick, int seed, Action<string> log, ReproductionReport report,
    Func<string, long, long, Sink<RunEvent>>? progress = null, bool resume = false, int jobs = 1)
{
    /// <summary>Checkpoints per sub-run asked for only a final one, so a killed attempt loses at most a tenth of a sub-run.</summary>
    public const int CheckpointsPerSubRun = 10;

    readonly List<ContinuedSubRun> continued = [];

    public string Directory { get; } = directory;
    /// <summary>The reduced variant (fewer restarts or steps) that finishes in minutes.</summary>
    public bool Quick { get; } = quick;
    public int Seed { get; } = seed;
    public Action<string> Log { get; } = log;
    public ReproductionReport Report { get; } = report;
    public bool Resume { get; } = resume;
    public int Jobs { get; } = jobs >= 1 ? jobs : throw new ArgumentOutOfRangeException(nameof(jobs), jobs, "jobs must be at least 1");

    /// <summary>The sub-runs this attempt found from an earlier one, in the order they were reached.</summary>
    public IReadOnlyList<ContinuedSubRun> Continued
    {
        get { lock (continued) return [.. continued]; }
    }

    public string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    /// <summary>
    /// Runs a recipe with <paramref name="assignments"/> as a sub-run in its own run directory (metrics, TensorBoard,
    /// checkpoints, plots, report) under this reproduction's folder; throws if the run fails. When resuming, a sub-run
    /// already in that folder continues from its newest checkpoint, and one of another config is refused.
    /// </summary>
    public async Task<RunOutcome> Train(IRecipe recipe, string subdirectory, IReadOnlyList<string> assignments, int seed, long steps, CancellationToken cancellation)
    {
        var prepared = recipe.Prepare(WithIntermediateCheckpoints(assignments, steps), seed, steps)
            .IfFail(errors => throw new ArgumentException(string.Join("; ", errors)));
        var path = PathOf(subdirectory);
        var resuming = Resume && File.Exists(Path.Combine(path, "config.json"));
        var directory = resuming ? RunDirectory.Open(path) : RunDirectory.CreateNew(path, recipe.Name, seed);
        Log($"{subdirectory}: {recipe.Name} seed {seed}, {steps} steps {string.Join(" ", assignments)}{(resuming ? " (continuing the earlier attempt)" : "")}");
        RunOutcome outcome;
        try
        {
            // A resumed sub-run's progress counts from its newest checkpoint, as `run --resume` does.
            var start = resuming ? directory.CheckpointStore(prepared.Settings.KeepCheckpoints).Steps().FirstOrDefault() : 0;
            outcome = await TrainingRunner.Run(prepared, directory, resuming, false, progress is null ? [] : [progress(subdirectory, start, steps)],
                Jobs > 1 ? line => Log($"{subdirectory}: {line}") : Log, cancellation).ConfigureAwait(false);
        }
        catch (ConfigMismatchException e)
        {
            // `run --resume` can be told to continue anyway; a reproduction cannot, as its table would mix two configs.
            throw new InvalidOperationException($"{subdirectory} was trained under another config than this build's, so the reproduction cannot continue " +
                $"it ({e.Message.Split(';')[0]}). Start a new reproduction with another --out, or delete {path} to retrain only that sub-run.", e);
        }
        if (resuming) lock (continued) continued.Add(new ContinuedSubRun(subdirectory, outcome.StartStep, steps));
        if (outcome.Result.Status == RunStatus.Failed) outcome.Result.ThrowIfFailed();
        return outcome;
    }

    /// <summary>A checkpoint cadence of at least the run's length (a final checkpoint only) becomes a tenth of it. The
    /// cadence is not part of the config hash and does not change what is trained.</summary>
    static IReadOnlyList<string> WithIntermediateCheckpoints(IReadOnlyList<string> assignments, long steps)
    {
        const string key = "checkpoint-every=";
        var cadence = Math.Max(1, (steps + CheckpointsPerSubRun - 1) / CheckpointsPerSubRun);
        return [.. assignments.Select(a => a.StartsWith(key, StringComparison.Ordinal) && long.TryParse(a[key.Length..], out var every) && every >= steps
            ? $"{key}{cadence}" : a)];
    }
}

/// <summary>A sub-run an earlier attempt had started: where it stood when this attempt reached it.</summary>
public sealed record ContinuedSubRun(string Subdirectory, long StartStep, long Steps)
{
    public bool WasFinished => StartStep >= Steps;
}
