using LanguageExt;
using LanguageExt.Common;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;

namespace Pipeline.Recipes;

/// <summary>A named experiment: a default config, a way to bind <c>--set</c> to it, and the graph it runs.</summary>
public interface IRecipe
{
    string Name { get; }
    string Summary { get; }
    /// <summary>The paper (and section) whose experiment this is.</summary>
    string Paper { get; }
    long DefaultSteps { get; }

    /// <summary>Every settable key with its type, default and range.</summary>
    string DescribeKeys();

    /// <summary>Whether the recipe can run on a cluster (<c>--cluster</c>): its replay and parameters then live in grains.</summary>
    bool RunsOnCluster => false;

    /// <summary>Binds and validates everything before any work starts; every problem is reported at once.</summary>
    Validation<Error, PreparedRun> Prepare(IReadOnlyList<string> assignments, int seed, long steps);
}

/// <summary>A recipe with its config bound and validated: ready to run (or resume) in a run directory.</summary>
/// <param name="ConfigHash">identifies what determines the training trajectory (recipe, config, data, seed); not steps or logging.</param>
public sealed record PreparedRun(
    string Recipe,
    object Config,
    object Data,
    RunSettings Settings,
    IReadOnlyList<string> Assignments,
    int Seed,
    long Steps,
    string ConfigHash,
    Func<RunPlan, Flow<RunEvent>> Build);

/// <summary>What a recipe's graph must do in this run: from which step, to which, from which saved state.</summary>
public sealed class RunPlan(int seed, long startStep, long lastStep, byte[]? resume, RunSettings settings) : IDisposable
{
    readonly List<IDisposable> resources = [];

    public int Seed { get; } = seed;
    /// <summary>The last step already done (0 for a fresh run, the checkpoint's step when resuming).</summary>
    public long StartStep { get; } = startStep;
    public long LastStep { get; } = lastStep;
    /// <summary>The checkpoint payload to continue from, or null for a fresh start.</summary>
    public byte[]? Resume { get; } = resume;
    public RunSettings Settings { get; } = settings;

    /// <summary>The run directory (where a recipe may keep state beside its checkpoints); null outside a run directory.</summary>
    public string? Directory { get; init; }

    /// <summary>The cluster the run is deployed on; null: everything in this process.</summary>
    public ClusterDeployment? Cluster { get; init; }

    /// <summary>Keeps <paramref name="resource"/> (data tensors, say) alive until the run has ended.</summary>
    public T Own<T>(T resource) where T : IDisposable
    {
        resources.Add(resource);
        return resource;
    }

    public void Dispose()
    {
        foreach (var r in resources) r.Dispose();
        resources.Clear();
    }
}
