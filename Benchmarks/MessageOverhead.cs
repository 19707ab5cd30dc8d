using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Pipeline.Stages.Graph;

namespace Pipeline.Benchmarks;

/// <summary>What the graph costs per trivial message (an int through one map) on top of calling the function.</summary>
[MemoryDiagnoser]
public class MessageOverhead
{
    [Params(100_000)]
    public int Messages { get; set; }

    static int Increment(int x) => x + 1;

    [Benchmark(Baseline = true)]
    public long BareLoop()
    {
        long sum = 0;
        for (var i = 0; i < Messages; i++) sum += Increment(i);
        return sum;
    }

    [Benchmark]
    public long FusedStage() => RunGraph(Stage.Map("inc", (Func<int, int>)Increment));

    [Benchmark]
    public long AsyncBoundary() => RunGraph(Stage.Map("inc", (Func<int, int>)Increment).Async(capacity: 64));

    long RunGraph(Stage<int, int> stage)
    {
        long sum = 0;
        Graph.From(Source.From("numbers", () => Enumerable.Range(0, Messages)))
            .Via(stage)
            .To(Sink.ForEach<int>("sum", x => sum += x, capacity: 64))
            .Run().GetAwaiter().GetResult().ThrowIfFailed();
        return sum;
    }

    /// <summary>A quick stopwatch version of the same comparison, for the docs without BenchmarkDotNet's minutes.</summary>
    public static void Quick(int messages, int rounds)
    {
        var bench = new MessageOverhead { Messages = messages };
        foreach (var (name, run) in new (string, Func<long>)[] { ("bare loop", bench.BareLoop), ("fused stage", bench.FusedStage), ("async boundary", bench.AsyncBoundary) })
        {
            run();
            var times = Enumerable.Range(0, rounds).Select(_ =>
            {
                var clock = Stopwatch.StartNew();
                run();
                return clock.Elapsed.TotalSeconds;
            }).Order().ToArray();
            var median = times[times.Length / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-15} {median * 1e6 / messages,8:F3} us/message (median of {rounds} x {messages})"));
        }
    }
}
