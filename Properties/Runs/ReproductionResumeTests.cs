using Pipeline.Cli;
using Pipeline.Recipes;
using Pipeline.Reproductions;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using Xunit;

namespace Pipeline.Properties.Runs;

/// <summary>
/// `reproduce --resume`: a sub-run an earlier attempt left continues from its newest checkpoint to exactly the
/// uninterrupted result, a finished one is loaded rather than retrained, and a directory of another reproduction,
/// variant or seed is refused before anything is written.
/// </summary>
public class ReproductionResumeTests
{
    const long Steps = 40;

    // The reproductions' habit: evaluate and checkpoint once, at the end.
    static readonly string[] Row = ["train-limit=2048", "hidden=32", "batch-size=32", $"eval-every={Steps}", $"checkpoint-every={Steps}", "device=cpu"];

    static ReproductionContext Context(string directory, bool resume = false) =>
        new(directory, quick: true, seed: 7, _ => { }, new ReproductionReport("test"), resume: resume);

    static RunOutcome Train(ReproductionContext context, params string[] extra) =>
        context.Train(RecipeRegistry.Find("mnist-mlp")!, "row", [.. Row, .. extra], 7, Steps, CancellationToken.None).GetAwaiter().GetResult();

    static string NewReproductionFolder() => Directory.CreateTempSubdirectory("reproduction-").FullName;

    [Fact]
    public void A_sub_run_asked_for_a_final_checkpoint_also_writes_intermediate_ones_and_trains_the_same()
    {
        var row = Train(Context(NewReproductionFolder()));
        Assert.Equal([40L, 36L, 32L], row.Directory.CheckpointStore(3).Steps());
        var plain = SmallRuns.Run(SmallRuns.Prepare(Steps, 7, $"eval-every={Steps}", $"checkpoint-every={Steps}"), RunDirectory.CreateNew(SmallRuns.NewFolder(), "t", 7));
        Assert.Equal([40L], plain.Directory.CheckpointStore(3).Steps());
        Assert.Equal(File.ReadAllText(plain.Directory.MetricsJsonl), File.ReadAllText(row.Directory.MetricsJsonl));
    }

    [Fact]
    public void A_killed_sub_run_continues_from_its_newest_checkpoint_to_the_uninterrupted_result()
    {
        var whole = Train(Context(NewReproductionFolder()));

        var folder = NewReproductionFolder();
        var killed = Train(Context(folder));
        // A kill after step 40's metrics but before its checkpoints: the newest two never reached the disk.
        File.Delete(killed.Directory.CheckpointStore(3).PathFor(40));
        File.Delete(killed.Directory.CheckpointStore(3).PathFor(36));

        var context = Context(folder, resume: true);
        var resumed = Train(context);
        Assert.Equal(32, resumed.StartStep);
        Assert.Equal(File.ReadAllText(whole.Directory.MetricsJsonl), File.ReadAllText(resumed.Directory.MetricsJsonl));
        Assert.Equal(whole.Directory.CheckpointStore(3).Latest()!.Payload, resumed.Directory.CheckpointStore(3).Latest()!.Payload);
        var continued = Assert.Single(context.Continued);
        Assert.Equal(("row", 32L, Steps, false), (continued.Subdirectory, continued.StartStep, continued.Steps, continued.WasFinished));
    }

    [Fact]
    public void A_resumed_sub_runs_progress_counts_from_its_newest_checkpoint()
    {
        var folder = NewReproductionFolder();
        var killed = Train(Context(folder));
        File.Delete(killed.Directory.CheckpointStore(3).PathFor(40));
        var starts = new List<(string, long, long)>();
        var context = new ReproductionContext(folder, quick: true, seed: 7, _ => { }, new ReproductionReport("test"), (subRun, start, last) =>
        {
            starts.Add((subRun, start, last));
            return Sink.ForEach<RunEvent>("progress", _ => { });
        }, resume: true);
        Train(context);
        Assert.Equal([("row", 36L, Steps)], starts);
    }

    [Fact]
    public void A_finished_sub_run_is_loaded_not_retrained()
    {
        var folder = NewReproductionFolder();
        var first = Train(Context(folder));
        var checkpoint = first.Directory.CheckpointStore(3).PathFor(Steps);
        var written = File.GetLastWriteTimeUtc(checkpoint);
        var metrics = File.ReadAllText(first.Directory.MetricsJsonl);

        var context = Context(folder, resume: true);
        var again = Train(context);
        Assert.Equal(Steps, again.StartStep);
        Assert.True(Assert.Single(context.Continued).WasFinished);
        Assert.Equal(written, File.GetLastWriteTimeUtc(checkpoint));
        Assert.Equal(metrics, File.ReadAllText(again.Directory.MetricsJsonl));
        // The training time of the attempt that trained it survives the summary's rewrite (the tables' training seconds).
        Assert.True(first.Result.Elapsed > TimeSpan.Zero);
        Assert.Equal(Math.Round(first.Result.Elapsed.TotalSeconds, 3), again.Result.Elapsed.TotalSeconds, 3);
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(again.Directory.Summary));
        Assert.Equal(Math.Round(first.Result.Elapsed.TotalSeconds, 3), summary.RootElement.GetProperty("elapsedSeconds").GetDouble());
    }

    [Fact]
    public void A_sub_run_of_another_config_is_refused_and_left_as_it_was()
    {
        var folder = NewReproductionFolder();
        var first = Train(Context(folder));
        var metrics = File.ReadAllText(first.Directory.MetricsJsonl);
        var error = Assert.Throws<InvalidOperationException>(() => Train(Context(folder, resume: true), "learning-rate=0.01"));
        Assert.IsType<ConfigMismatchException>(error.InnerException);
        Assert.Contains("row was trained under another config", error.Message);
        Assert.DoesNotContain("--allow-config-change", error.Message);
        Assert.Equal(metrics, File.ReadAllText(first.Directory.MetricsJsonl));
        Assert.Equal([40L, 36L, 32L], first.Directory.CheckpointStore(3).Steps());
    }

    [Fact]
    public void Without_resume_a_sub_run_folder_that_holds_a_run_is_refused()
    {
        var folder = NewReproductionFolder();
        Train(Context(folder));
        var error = Assert.Throws<IOException>(() => Train(Context(folder)));
        Assert.Contains("--resume", error.Message);
    }

    [Theory]
    [InlineData("hnn", null, null, null)]
    [InlineData("hnn", true, 3, null)]
    [InlineData("srnn-chain", null, null, "'hnn', not 'srnn-chain'")]
    [InlineData("hnn", false, null, "holds the quick variant; resume it with --quick")]
    [InlineData("hnn", null, 4, "was started with --seed 3, not 4")]
    public void Resume_takes_the_directorys_variant_and_seed_and_refuses_others(string name, bool? quick, int? seed, string? error)
    {
        var folder = NewReproductionFolder();
        new ReproductionRecord("hnn", Quick: true, Seed: 3).Write(folder);
        var found = ReproductionRecord.ForResume(folder, name, quick, seed);
        if (error is null) Assert.Equal(new ReproductionRecord("hnn", true, 3), found.IfFail(_ => throw new InvalidOperationException("refused")));
        else found.Match(_ => Assert.Fail("accepted"), errors => Assert.Contains(error, Assert.Single(errors).Message));
    }

    [Fact]
    public void Resume_reads_the_summary_of_an_attempt_that_predates_the_record_and_refuses_a_missing_folder()
    {
        var folder = NewReproductionFolder();
        File.WriteAllText(Path.Combine(folder, "summary.json"), """{"header":{"reproduction":"srnn-chain","quick":false,"seed":1,"status":"stopped"},"tables":{}}""");
        Assert.Equal(new ReproductionRecord("srnn-chain", false, 1), ReproductionRecord.ForResume(folder, "srnn-chain", null, null).IfFail(_ => throw new InvalidOperationException()));
        Assert.True(ReproductionRecord.ForResume(Path.Combine(folder, "absent"), "srnn-chain", null, null).IsFail);
    }

    [Fact]
    public async Task The_command_refuses_a_mismatched_resume_and_a_new_reproduction_in_a_used_folder_without_writing()
    {
        var folder = NewReproductionFolder();
        new ReproductionRecord("hnn", Quick: true, Seed: 0).Write(folder);
        var before = File.ReadAllText(Path.Combine(folder, ReproductionRecord.FileName));
        Assert.Equal(2, await ReproduceCommand.Execute("hnn", quick: false, seed: null, output: null, resume: folder, CancellationToken.None));
        Assert.Equal(2, await ReproduceCommand.Execute("hnn", quick: true, seed: null, output: folder, resume: null, CancellationToken.None));
        Assert.Equal(2, await ReproduceCommand.Execute("hnn", quick: true, seed: null, output: folder, resume: folder, CancellationToken.None));
        Assert.Equal([Path.Combine(folder, ReproductionRecord.FileName)], Directory.GetFileSystemEntries(folder));
        Assert.Equal(before, File.ReadAllText(Path.Combine(folder, ReproductionRecord.FileName)));
    }
}
