using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Cluster.Client;
using Pipeline.Cluster.Hosting;
using LanguageExt;
using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using Spectre.Console;

namespace Pipeline.Cli;

/// <summary>`pipeline run`: validates everything, runs (or resumes) a recipe with progress, prints the summary.</summary>
public static class RunCommand
{
    public sealed record Request(string Recipe, IReadOnlyList<string> Assignments, int? Seed, long? Steps,
        string? Out, string? Resume, bool AllowConfigChange, string? Cluster = null, int Shards = 4, string? ReplayCheckpoints = null,
        bool LocalActors = false);

    public static async Task<int> Execute(Request request, CancellationToken cancellation)
    {
        var recipe = RecipeRegistry.Find(request.Recipe);
        if (recipe is null)
        {
            Console.Error.WriteLine($"error: no recipe '{request.Recipe}'. Recipes: {string.Join(", ", RecipeRegistry.All.Select(r => r.Name))}");
            return 2;
        }

        RunDirectory directory;
        IReadOnlyList<string> assignments = request.Assignments;
        var seed = request.Seed ?? 0;
        var steps = request.Steps ?? recipe.DefaultSteps;
        try
        {
            if (request.Resume is { } resumePath)
            {
                directory = RunDirectory.Open(resumePath);
                var saved = directory.ReadRecord();
                if (!string.Equals(saved.Recipe, recipe.Name, StringComparison.OrdinalIgnoreCase))
                {
                    Console.Error.WriteLine($"error: {directory.Path} is a run of '{saved.Recipe}', not '{recipe.Name}'");
                    return 2;
                }
                // A resumed run keeps what it was started with; new --set values and --seed apply on top.
                assignments = [.. saved.Assignments, .. request.Assignments];
                seed = request.Seed ?? saved.Seed;
                steps = request.Steps ?? saved.Steps;
            }
            else directory = null!;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        if (request.Cluster is not null && !recipe.RunsOnCluster)
        {
            Console.Error.WriteLine($"error: {recipe.Name} runs in one process only; --cluster is for: "
                + string.Join(", ", RecipeRegistry.All.Where(r => r.RunsOnCluster).Select(r => r.Name)));
            return 2;
        }
        if (request.Cluster is null && (request.ReplayCheckpoints is not null || request.LocalActors))
        {
            Console.Error.WriteLine("error: --replay-checkpoints and --local-actors only apply with --cluster");
            return 2;
        }
        if (request.Shards is < 1 or > 1 << 14)
        {
            Console.Error.WriteLine($"error: --shards {request.Shards} must be in 1..16384");
            return 2;
        }

        var prepared = recipe.Prepare(assignments, seed, steps);
        if (prepared.IsFail)
        {
            Console.Error.WriteLine($"error: invalid configuration for {recipe.Name}:");
            prepared.IfFail(errors => errors.Iter(e => Console.Error.WriteLine($"  - {e.Message}")));
            return 2;
        }
        var run = prepared.IfFail(_ => throw new InvalidOperationException());

        try
        {
            directory ??= RunDirectory.CreateNew(request.Out, recipe.Name, seed);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        Console.Error.WriteLine($"run directory: {directory.Path}");

        RunOutcome outcome;
        IHost? client = null;
        try
        {
            ClusterDeployment? cluster = null;
            if (request.Cluster is { } address)
            {
                client = await ClusterDeployment.ConnectAsync(address, cancellation);
                var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory.Path));
                cluster = new ClusterDeployment(client.Services.GetRequiredService<IClusterClient>(), address, request.Shards, $"{recipe.Name}/{name}",
                    request.ReplayCheckpoints, ActorsOnSilos: !request.LocalActors).Validate();
                Console.Error.WriteLine($"cluster: {address}, {request.Shards} replay shards, run name {cluster.RunName}");
            }
            outcome = await RunWithProgress(run, directory, request, cluster, cancellation);
        }
        catch (Exception e) when (e is ConfigMismatchException or IOException or ArgumentException or InvalidDataException or InvalidOperationException
                                      or ClusterUnreachableException or ClusterVersionException or ClusterCallException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            // A new run that never started (no cluster, say) leaves no empty directory behind.
            if (request.Resume is null && e is ClusterUnreachableException or ClusterVersionException
                && !Directory.EnumerateFiles(directory.Path, "*", SearchOption.AllDirectories).Any())
                Directory.Delete(directory.Path, recursive: true);
            return 2;
        }
        finally
        {
            if (client is not null)
            {
                await client.StopAsync(CancellationToken.None);
                client.Dispose();
            }
        }

        SummaryTable.Print(outcome);
        return outcome.Result.Status switch
        {
            RunStatus.Completed => 0,
            RunStatus.Stopped => 130,
            _ => 1,
        };
    }

    static async Task<RunOutcome> RunWithProgress(PreparedRun run, RunDirectory directory, Request request, ClusterDeployment? cluster,
        CancellationToken cancellation)
    {
        void Log(string line) => Console.Error.WriteLine(line);
        var resume = request.Resume is not null;
        var interactive = AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi && !Console.IsOutputRedirected;
        if (!interactive)
        {
            // The start step is known only after the checkpoint is read; plain lines count from whatever it is.
            var startGuess = resume ? directory.CheckpointStore(run.Settings.KeepCheckpoints).Steps().FirstOrDefault() : 0;
            return await TrainingRunner.Run(run, directory, resume, request.AllowConfigChange,
                [ProgressSink.Plain(startGuess, run.Steps, Console.Out)], Log, cancellation, cluster);
        }
        RunOutcome? outcome = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var start = resume ? directory.CheckpointStore(run.Settings.KeepCheckpoints).Steps().FirstOrDefault() : 0;
                var task = context.AddTask($"{run.Recipe}", maxValue: Math.Max(1, run.Steps - start));
                outcome = await TrainingRunner.Run(run, directory, resume, request.AllowConfigChange,
                    [ProgressSink.Live(task, start)], Log, cancellation, cluster);
                task.StopTask();
            });
        return outcome!;
    }
}
