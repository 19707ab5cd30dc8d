using System.CommandLine;
using System.Runtime.InteropServices;
using Pipeline.Cli;
using Pipeline.Environments.Data;
using Pipeline.Recipes;
using Pipeline.Reproductions;
using Pipeline.Runs;
using Spectre.Console;
using TorchSharp;

if (RuntimeGuard.RelaunchIfNeeded() is { } exitCode) return exitCode;

var threads = new Option<int?>("--threads")
{
    Description = "LibTorch intra-op threads of training stages, each on a thread of its own; every other thread uses one (default: $PIPELINE_THREADS, else 1; see docs/PERFORMANCE.md)",
    Recursive = true,
};

var list = new Command("list", "Show the recipes, their papers and their settable keys");
list.SetAction(_ =>
{
    foreach (var recipe in RecipeRegistry.All)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(recipe.Name)}[/]  {Markup.Escape(recipe.Summary)}");
        AnsiConsole.MarkupLine($"  [grey]paper:[/] {Markup.Escape(recipe.Paper)}; [grey]default steps:[/] {recipe.DefaultSteps}");
        Console.WriteLine(recipe.DescribeKeys());
        Console.WriteLine();
    }
    foreach (var reproduction in ReproductionRegistry.All)
        AnsiConsole.MarkupLine($"[bold]reproduce {Markup.Escape(reproduction.Name)}[/]  {Markup.Escape(reproduction.Summary)} [grey]({Markup.Escape(reproduction.Paper)})[/]");
    return 0;
});

var recipeName = new Argument<string>("recipe") { Description = "a recipe name (see `pipeline list`)" };
var set = new Option<string[]>("--set") { Description = "key=value overriding a config field (repeatable)", AllowMultipleArgumentsPerToken = true };
var seed = new Option<int?>("--seed") { Description = "random seed (default 0; a resumed run keeps its own)" };
var steps = new Option<long?>("--steps") { Description = "training steps (default: the recipe's)" };
var output = new Option<string?>("--out") { Description = "run directory (default runs/<recipe>/<time>-seed<N>)" };
var resume = new Option<string?>("--resume") { Description = "continue the run in this directory from its newest checkpoint" };
var allowChange = new Option<bool>("--allow-config-change") { Description = "resume even if the checkpoint was written under another config" };
var clusterAddress = new Option<string?>("--cluster")
{
    Description = "run on a Pipeline cluster: gateway address(es) host:port[,host:port] of `pipeline cluster silo` (replay and parameters go to grains)",
};
var shards = new Option<int>("--shards") { Description = "replay shards spread over the cluster's silos (with --cluster)", DefaultValueFactory = _ => 4 };
var replayCheckpoints = new Option<string?>("--replay-checkpoints")
{
    Description = "with --cluster: a directory (on every silo's machine) where replay shards checkpoint with each run checkpoint and restore from after a silo dies",
};
var localActors = new Option<bool>("--local-actors") { Description = "with --cluster: run the actors in this process instead of on the silos" };
var run = new Command("run", "Run a recipe: train, evaluate, checkpoint, plot, report")
{
    recipeName, set, seed, steps, output, resume, allowChange, clusterAddress, shards, replayCheckpoints, localActors,
};
run.SetAction((parse, cancellation) =>
{
    ConfigureThreads(parse.GetValue(threads));
    return RunCommand.Execute(new RunCommand.Request(
        parse.GetValue(recipeName)!, parse.GetValue(set) ?? [], parse.GetValue(seed), parse.GetValue(steps),
        parse.GetValue(output), parse.GetValue(resume), parse.GetValue(allowChange), parse.GetValue(clusterAddress), parse.GetValue(shards),
        parse.GetValue(replayCheckpoints), parse.GetValue(localActors)), cancellation);
});

var reproductionName = new Argument<string>("paper") { Description = "a reproduction name (see `pipeline list`)" };
var quick = new Option<bool>("--quick") { Description = "the reduced variant that finishes in minutes" };
var full = new Option<bool>("--full") { Description = "the paper-sized variant (the default)" };
var reproduceSeed = new Option<int?>("--seed") { Description = "base seed (default 0; restarts use seed, seed+1, ...)" };
var reproduceOut = new Option<string?>("--out") { Description = "output directory (default runs/reproduce-<paper>/<time>)" };
var reproduceResume = new Option<string?>("--resume")
{
    Description = "continue a stopped, failed or killed reproduction in this directory: finished sub-runs are loaded, the one in progress continues from its newest checkpoint",
};
var reproduceJobs = new Option<int>("--jobs")
{
    Description = "sub-runs to train at once where they are independent (the SRNN tables); each uses --threads TorchSharp threads, so on 2 cores: --threads 1 --jobs 2",
    DefaultValueFactory = _ => 1,
};
var reproduce = new Command("reproduce", "Run a paper's experiment and write report.md with its tables and figures")
{
    reproductionName, quick, full, reproduceSeed, reproduceOut, reproduceResume, reproduceJobs,
};
reproduce.SetAction((parse, cancellation) =>
{
    ConfigureThreads(parse.GetValue(threads));
    if (parse.GetValue(quick) && parse.GetValue(full))
    {
        Console.Error.WriteLine("error: --quick and --full exclude each other");
        return Task.FromResult(2);
    }
    bool? variant = parse.GetValue(quick) ? true : parse.GetValue(full) ? false : null;
    return ReproduceCommand.Execute(parse.GetValue(reproductionName)!, variant, parse.GetValue(reproduceSeed),
        parse.GetValue(reproduceOut), parse.GetValue(reproduceResume), cancellation, parse.GetValue(reproduceJobs));
});

var dataset = new Argument<string>("dataset") { Description = "mnist" };
var dataDirectory = new Option<string?>("--dir") { Description = "where to put the files (default: $PIPELINE_DATA or ~/.cache/pipeline/mnist)" };
var fetch = new Command("fetch", "Fetch a data set and verify its checksums") { dataset, dataDirectory };
fetch.SetAction(parse =>
{
    if (!string.Equals(parse.GetValue(dataset), "mnist", StringComparison.OrdinalIgnoreCase))
    {
        Console.Error.WriteLine($"error: unknown data set '{parse.GetValue(dataset)}'; known: mnist");
        return 2;
    }
    try
    {
        var directory = MnistFiles.Ensure(parse.GetValue(dataDirectory), Console.Error.WriteLine);
        Console.WriteLine($"MNIST ready and verified in {directory}");
        return 0;
    }
    catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
});
var data = new Command("data", "Data sets") { fetch };

var root = new RootCommand("Pipeline: Martin Arjovsky's papers as composable, verifiable training pipelines")
{
    list, run, reproduce, data, EnvCommand.Create(), NguCommand.Create(threads, ConfigureThreads), ClusterCommand.Create(threads, ConfigureThreads),
};
root.Options.Add(threads);

// Ctrl+C or SIGTERM stops the run gracefully (final checkpoint, flushed logs); a second Ctrl+C exits at once.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (stop.IsCancellationRequested) return;
    e.Cancel = true;
    Console.Error.WriteLine("stopping: finishing the current step and writing a checkpoint (Ctrl+C again to abort)");
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token);

static void ConfigureThreads(int? requested)
{
    var fromEnvironment = int.TryParse(Environment.GetEnvironmentVariable("PIPELINE_THREADS"), out var n) ? n : (int?)null;
    // One by default: more pay only with as many cores free (docs/PERFORMANCE.md), and reproductions use them with --jobs.
    var count = Math.Max(1, requested ?? fromEnvironment ?? 1);
    IntraOpThreads.Configure(count);
}
