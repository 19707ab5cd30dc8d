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
/// <param name="progress">makes a progress sink for a sub-run from its (start, last) steps; none when null.</param>
public sealed class ReproductionContext(string directory, bool quick, int seed, Action<string> log, ReproductionReport report,
    Func<long, long, Sink<RunEvent>>? progress = null)
{
    public string Directory { get; } = directory;
    /// <summary>The reduced variant (fewer restarts or steps) that finishes in minutes.</summary>
    public bool Quick { get; } = quick;
    public int Seed { get; } = seed;
    public Action<string> Log { get; } = log;
    public ReproductionReport Report { get; } = report;

    public string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    /// <summary>
    /// Runs a recipe with <paramref name="assignments"/> as a sub-run in its own run directory (metrics, TensorBoard,
    /// checkpoints, plots, report) under this reproduction's folder; throws if the run fails.
    /// </summary>
    public async Task<RunOutcome> Train(IRecipe recipe, string subdirectory, IReadOnlyList<string> assignments, int seed, long steps, CancellationToken cancellation)
    {
        var prepared = recipe.Prepare(assignments, seed, steps)
            .IfFail(errors => throw new ArgumentException(string.Join("; ", errors)));
        var directory = RunDirectory.CreateNew(PathOf(subdirectory), recipe.Name, seed);
        Log($"{subdirectory}: {recipe.Name} seed {seed}, {steps} steps {string.Join(" ", assignments)}");
        var outcome = await TrainingRunner.Run(prepared, directory, false, false, progress is null ? [] : [progress(0, steps)], Log, cancellation).ConfigureAwait(false);
        if (outcome.Result.Status == RunStatus.Failed) outcome.Result.ThrowIfFailed();
        return outcome;
    }
}
