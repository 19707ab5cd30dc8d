using System.Diagnostics;
using LanguageExt;
using Pipeline.Reproductions;

namespace Pipeline.Cli;

/// <summary>`pipeline reproduce`: runs a paper's experiment and writes report.md and summary.json with its tables.</summary>
public static class ReproduceCommand
{
    /// <param name="quick">--quick (true), --full (false) or neither (null: full, or the resumed directory's variant).</param>
    /// <param name="seed">--seed, or null (0, or the resumed directory's seed).</param>
    /// <param name="resume">a directory an earlier attempt wrote: continue it instead of starting afresh.</param>
    /// <param name="jobs">--jobs: sub-runs trained at once by the reproductions that can (the SRNN tables).</param>
    public static async Task<int> Execute(string name, bool? quick, int? seed, string? output, string? resume, CancellationToken cancellation, int jobs = 1)
    {
        if (jobs < 1)
        {
            Console.Error.WriteLine($"error: --jobs must be at least 1, got {jobs}");
            return 2;
        }
        var reproduction = ReproductionRegistry.Find(name);
        if (reproduction is null)
        {
            Console.Error.WriteLine($"error: no reproduction '{name}'. Known: {string.Join(", ", ReproductionRegistry.All.Select(r => r.Name))}");
            return 2;
        }
        if (resume is not null && output is not null)
        {
            Console.Error.WriteLine("error: --resume continues in the directory it names; drop --out");
            return 2;
        }
        string directory;
        ReproductionRecord record;
        if (resume is not null)
        {
            directory = Path.GetFullPath(resume);
            var found = ReproductionRecord.ForResume(directory, reproduction.Name, quick, seed);
            if (found.IsFail)
            {
                found.IfFail(errors => errors.Iter(e => Console.Error.WriteLine($"error: {e.Message}")));
                return 2;
            }
            record = found.IfFail(_ => throw new InvalidOperationException());
        }
        else
        {
            record = new ReproductionRecord(reproduction.Name, quick ?? false, seed ?? 0);
            directory = Path.GetFullPath(output ?? Path.Combine("runs", $"reproduce-{reproduction.Name}", $"{DateTime.Now:yyyyMMdd-HHmmss}{(record.Quick ? "-quick" : "")}"));
            if (ReproductionRecord.IsHeldBy(directory))
            {
                Console.Error.WriteLine($"error: {directory} already holds a reproduction; continue it with --resume {directory}, or choose another --out");
                return 2;
            }
            Directory.CreateDirectory(directory);
        }
        if (!File.Exists(Path.Combine(directory, ReproductionRecord.FileName))) record.Write(directory);
        Console.Error.WriteLine($"reproduction directory: {directory}{(resume is null ? "" : $" (continuing the {record.Variant} variant, seed {record.Seed})")}");
        var report = new ReproductionReport($"{reproduction.Name}: {reproduction.Summary}");
        report.Text($"Paper: {reproduction.Paper}. Variant: {record.Variant}, seed {record.Seed}.");
        var context = new ReproductionContext(directory, record.Quick, record.Seed, line => Console.Error.WriteLine(line), report,
            (subRun, start, last) => ProgressSink.Plain(start, last, Console.Error, jobs > 1 ? $"{subRun} " : ""), resume: resume is not null, jobs: jobs);
        var clock = Stopwatch.StartNew();
        string status;
        try
        {
            await reproduction.Run(context, cancellation);
            status = cancellation.IsCancellationRequested ? "stopped" : "completed";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            status = "failed";
            report.Text($"**The reproduction failed:** {e.Message}");
            Console.Error.WriteLine($"error: {e.Message}");
        }
        if (context.Continued.Count > 0) report.Text(ContinuedNote(context.Continued));
        report.Write(directory, new { reproduction = reproduction.Name, quick = record.Quick, seed = record.Seed, status, elapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            continuedSubRuns = context.Continued.Count });
        Console.WriteLine(File.ReadAllText(Path.Combine(directory, "report.md")));
        if (status != "completed")
            Console.Error.WriteLine($"continue it with: pipeline reproduce {reproduction.Name} --resume {directory}");
        return status switch { "completed" => 0, "stopped" => 130, _ => 1 };
    }

    /// <summary>Which sub-runs came from an earlier attempt, since a continued one's training time in the tables covers this attempt only.</summary>
    static string ContinuedNote(IReadOnlyList<ContinuedSubRun> continued)
    {
        var finished = continued.Where(c => c.WasFinished).Select(c => c.Subdirectory).ToList();
        var partial = continued.Where(c => !c.WasFinished).Select(c => $"{c.Subdirectory} (from step {c.StartStep:N0} of {c.Steps:N0})").ToList();
        return "Continued from an earlier attempt (`--resume`): " +
            (finished.Count > 0 ? $"{finished.Count} sub-run(s) were already finished and were loaded from their checkpoints ({string.Join(", ", finished)})" : "no sub-run was finished") +
            (partial.Count > 0 ? $"; {partial.Count} continued from their newest checkpoint: {string.Join(", ", partial)}" : "") +
            ". A finished sub-run's training time is that of the attempt that finished it; a continued one's counts only this attempt's part.";
    }
}
