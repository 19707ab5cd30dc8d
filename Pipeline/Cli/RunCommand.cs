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
        string? Out, string? Resume, bool AllowConfigChange);

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
        try
        {
            outcome = await RunWithProgress(run, directory, request, cancellation);
        }
        catch (Exception e) when (e is ConfigMismatchException or IOException or ArgumentException or InvalidDataException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        SummaryTable.Print(outcome);
        return outcome.Result.Status switch
        {
            RunStatus.Completed => 0,
            RunStatus.Stopped => 130,
            _ => 1,
        };
    }

    static async Task<RunOutcome> RunWithProgress(PreparedRun run, RunDirectory directory, Request request, CancellationToken cancellation)
    {
        void Log(string line) => Console.Error.WriteLine(line);
        var resume = request.Resume is not null;
        var interactive = AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi && !Console.IsOutputRedirected;
        if (!interactive)
        {
            // The start step is known only after the checkpoint is read; plain lines count from whatever it is.
            var startGuess = resume ? directory.CheckpointStore(run.Settings.KeepCheckpoints).Steps().FirstOrDefault() : 0;
            return await TrainingRunner.Run(run, directory, resume, request.AllowConfigChange,
                [ProgressSink.Plain(startGuess, run.Steps, Console.Out)], Log, cancellation);
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
                    [ProgressSink.Live(task, start)], Log, cancellation);
                task.StopTask();
            });
        return outcome!;
    }
}
