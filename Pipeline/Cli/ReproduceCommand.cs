using System.Diagnostics;
using Pipeline.Reproductions;

namespace Pipeline.Cli;

/// <summary>`pipeline reproduce`: runs a paper's experiment and writes report.md and summary.json with its tables.</summary>
public static class ReproduceCommand
{
    public static async Task<int> Execute(string name, bool quick, int seed, string? output, CancellationToken cancellation)
    {
        var reproduction = ReproductionRegistry.Find(name);
        if (reproduction is null)
        {
            Console.Error.WriteLine($"error: no reproduction '{name}'. Known: {string.Join(", ", ReproductionRegistry.All.Select(r => r.Name))}");
            return 2;
        }
        var directory = Path.GetFullPath(output ?? Path.Combine("runs", $"reproduce-{reproduction.Name}", $"{DateTime.Now:yyyyMMdd-HHmmss}{(quick ? "-quick" : "")}"));
        if (File.Exists(Path.Combine(directory, "summary.json")))
        {
            Console.Error.WriteLine($"error: {directory} already holds a reproduction; choose another --out");
            return 2;
        }
        Directory.CreateDirectory(directory);
        Console.Error.WriteLine($"reproduction directory: {directory}");
        var report = new ReproductionReport($"{reproduction.Name}: {reproduction.Summary}");
        report.Text($"Paper: {reproduction.Paper}. Variant: {(quick ? "quick" : "full")}, seed {seed}.");
        var context = new ReproductionContext(directory, quick, seed, line => Console.Error.WriteLine(line), report,
            (start, last) => ProgressSink.Plain(start, last, Console.Error));
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
        report.Write(directory, new { reproduction = reproduction.Name, quick, seed, status, elapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1) });
        Console.WriteLine(File.ReadAllText(Path.Combine(directory, "report.md")));
        return status switch { "completed" => 0, "stopped" => 130, _ => 1 };
    }
}
