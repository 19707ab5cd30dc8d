using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using Xunit;

namespace Pipeline.Properties.Runs;

/// <summary>Same seed, same bytes; a checkpoint at step k then resume gives exactly the uninterrupted run's metrics.</summary>
public class DeterminismTests
{
    [Fact]
    public void The_same_seed_gives_a_byte_identical_metrics_log_and_another_seed_does_not()
    {
        var a = SmallRuns.Run(SmallRuns.Prepare(40), RunDirectory.CreateNew(SmallRuns.NewFolder(), "t", 7));
        var b = SmallRuns.Run(SmallRuns.Prepare(40), RunDirectory.CreateNew(SmallRuns.NewFolder(), "t", 7));
        var c = SmallRuns.Run(SmallRuns.Prepare(40, seed: 8), RunDirectory.CreateNew(SmallRuns.NewFolder(), "t", 8));
        Assert.Equal(RunStatus.Completed, a.Result.Status);
        Assert.Equal(File.ReadAllBytes(a.Directory.MetricsJsonl), File.ReadAllBytes(b.Directory.MetricsJsonl));
        Assert.NotEqual(File.ReadAllBytes(a.Directory.MetricsJsonl), File.ReadAllBytes(c.Directory.MetricsJsonl));
        Assert.Equal(40, File.ReadAllLines(a.Directory.MetricsJsonl).Count(l => l.Contains("\"train\"")));
    }

    [Fact]
    public void Resuming_from_the_checkpoint_of_a_finished_shorter_run_equals_the_uninterrupted_run()
    {
        var whole = SmallRuns.Run(SmallRuns.Prepare(60), RunDirectory.CreateNew(SmallRuns.NewFolder(), "t", 7));
        var folder = SmallRuns.NewFolder();
        SmallRuns.Run(SmallRuns.Prepare(40), RunDirectory.CreateNew(folder, "t", 7));
        var resumed = SmallRuns.Run(SmallRuns.Prepare(60), RunDirectory.Open(folder), resume: true);
        Assert.Equal(40, resumed.StartStep);
        Assert.Equal(File.ReadAllText(whole.Directory.MetricsJsonl), File.ReadAllText(resumed.Directory.MetricsJsonl));
        Assert.Equal(File.ReadAllText(whole.Directory.MetricsCsv), File.ReadAllText(resumed.Directory.MetricsCsv));
    }

    [Fact]
    public void A_run_stopped_part_way_writes_a_checkpoint_and_resumes_to_the_uninterrupted_result()
    {
        var whole = SmallRuns.Run(SmallRuns.Prepare(60), RunDirectory.CreateNew(SmallRuns.NewFolder(), "t", 7));

        var folder = SmallRuns.NewFolder();
        using var stop = new CancellationTokenSource();
        var stopAt = Sink.ForEach<RunEvent>("stopper", e => { if (e is MetricsEvent { Step: 27 }) stop.Cancel(); });
        var stopped = SmallRuns.Run(SmallRuns.Prepare(60), RunDirectory.CreateNew(folder, "t", 7), extra: [stopAt], cancellation: stop.Token);
        Assert.Equal(RunStatus.Stopped, stopped.Result.Status);
        var checkpoint = stopped.Directory.CheckpointStore(3).Latest()!;
        Assert.InRange(checkpoint.Step, 27, 59); // the final checkpoint is where the stop landed, not the last cadence point

        var resumed = SmallRuns.Run(SmallRuns.Prepare(60), RunDirectory.Open(folder), resume: true);
        Assert.Equal(checkpoint.Step, resumed.StartStep);
        Assert.Equal(File.ReadAllText(whole.Directory.MetricsJsonl), File.ReadAllText(resumed.Directory.MetricsJsonl));
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_of_another_config_unless_told()
    {
        var folder = SmallRuns.NewFolder();
        SmallRuns.Run(SmallRuns.Prepare(20), RunDirectory.CreateNew(folder, "t", 7));
        var changed = SmallRuns.Prepare(40, 7, "learning-rate=0.01");
        Assert.Throws<ConfigMismatchException>(() => SmallRuns.Run(changed, RunDirectory.Open(folder), resume: true));
        var forced = SmallRuns.Run(changed, RunDirectory.Open(folder), resume: true, allowConfigChange: true);
        Assert.Equal(RunStatus.Completed, forced.Result.Status);
        Assert.Equal(20, forced.StartStep);
    }

    [Fact]
    public void A_new_run_refuses_a_folder_that_already_holds_one()
    {
        var folder = SmallRuns.NewFolder();
        SmallRuns.Run(SmallRuns.Prepare(5), RunDirectory.CreateNew(folder, "t", 7));
        var error = Assert.Throws<IOException>(() => RunDirectory.CreateNew(folder, "t", 7));
        Assert.Contains("--resume", error.Message);
    }

    [Fact]
    public void A_run_directory_holds_every_promised_file()
    {
        var outcome = SmallRuns.Run(SmallRuns.Prepare(40), RunDirectory.CreateNew(SmallRuns.NewFolder(), "t", 7));
        var d = outcome.Directory;
        foreach (var file in new[] { d.ConfigJson, d.MetricsJsonl, d.MetricsCsv, d.Report, d.Summary })
            Assert.True(new FileInfo(file).Length > 0, $"{file} is missing or empty");
        var events = Directory.GetFiles(d.TensorBoard, "events.out.tfevents.*");
        Assert.True(Assert.Single(events).Length > 0);
        Assert.True(new FileInfo(events[0]).Length > 1000);
        Assert.Contains(Path.Combine(d.Plots, "loss.png"), Directory.GetFiles(d.Plots));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(d.Plots, "accuracy.png"))[..4]);
        Assert.Equal([40L, 20L], d.CheckpointStore(3).Steps());
        var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(d.Summary)).RootElement;
        Assert.Equal("completed", summary.GetProperty("status").GetString());
        Assert.InRange(summary.GetProperty("final").GetProperty("eval").GetProperty("accuracy").GetDouble(), 0.5, 1.0);
    }
}
