using Pipeline.Examples;
using Pipeline.Runs;

if (RuntimeGuard.RelaunchIfNeeded() is { } exitCode) return exitCode;

if (args.FirstOrDefault() == "replay")
{
    var replay = await ReplayIngestion.Run();
    replay.Producers.ThrowIfFailed();
    Console.WriteLine($"replay: {replay.Inserted} sequences inserted, {replay.Sampled} sampled in {replay.LearnerBatches} learner batches; " +
                      $"table holds {replay.Table.Size}, {replay.Table.SkippedPriorityUpdates} priority updates skipped (evicted)");
    return 0;
}

var path = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "custom-pipeline-metrics.jsonl");
var result = await CustomPipeline.Run(path);
result.Run.ThrowIfFailed();
Console.WriteLine($"{result.Run.Status}: {result.Smoothed.Count} smoothed points, final smoothed loss {result.Smoothed[^1].Values[0].Value:F4}, " +
                  $"test accuracy {result.TestAccuracy:P1}; metrics in {path}");
return 0;
