using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Cluster.Client;
using Pipeline.Cluster.Contracts;
using Pipeline.Cluster.Hosting;
using Pipeline.Stages.Replay;

namespace Pipeline.Benchmarks;

/// <summary>
/// Aggregate replay insert throughput over loopback with 1, 2 and 4 silo processes (`pipeline cluster silo`, two shards
/// per silo), 8 producer writers in this process with 4 calls in flight each, against the in-process table measured in
/// the same run with the same producers. Everything shares this machine's cores: silos, client and producers.
/// </summary>
public static class ClusterThroughput
{
    const double ReverbOneServer = 224_000, ReverbFourServers = 643_000; // frames/s, Reverb users' reports (ECOSYSTEM.md 5, irm_ngu.md 3.2)

    public static void Run(double seconds, int[] siloCounts)
    {
        Console.WriteLine(Text($"cluster replay inserts, {seconds:F1} s per measurement, {Environment.ProcessorCount} cores, 8 producers"));
        Console.WriteLine(Text($"context: Reverb users report about {ReverbOneServer / 1e3:F0} thousand frames/s on one server, {ReverbFourServers / 1e3:F0} thousand on four"));
        Console.WriteLine("items          deployment        items/s   x in-process   MB/s");
        var cases = new[]
        {
            ("84x84 bytes", new ItemLayout(new ColumnSpec("frame", ElementType.UInt8, 84, 84)), 64),
            ("64 floats", new ItemLayout(new ColumnSpec("obs", ElementType.Float32, 64)), 256),
        };
        foreach (var (name, layout, batch) in cases)
        {
            var local = InProcess(layout, batch, seconds);
            Console.WriteLine(Text($"{name,-14} in-process {local,14:N0} {1.0,12:F2} {local * layout.ItemBytes / 1e6,8:F0}"));
            foreach (var silos in siloCounts)
            {
                var rate = Clustered(layout, batch, silos, seconds);
                Console.WriteLine(Text($"{name,-14} {silos} silo(s){"",3} {rate,14:N0} {rate / local,12:F2} {rate * layout.ItemBytes / 1e6,8:F0}"));
            }
        }
    }

    static double InProcess(ItemLayout layout, int batch, double seconds)
    {
        var table = new ReplayTable(new TableOptions(layout, 100_000, Sampler.Prioritized(0.9), RateLimiterOptions.MinSize(1)));
        return Produce(layout, batch, seconds, () => table.Writer(4, 1), () => table.Size + table.Info().Counters.Deletes);
    }

    static double Clustered(ItemLayout layout, int batch, int silos, double seconds)
    {
        var basePort = 11400 + 20 * silos;
        var processes = new List<Process>();
        try
        {
            for (var i = 0; i < silos; i++) processes.Add(StartSilo(basePort + i, basePort + 10 + i, i == 0 ? null : basePort));
            using var client = ClusterHosting.ConnectAsync([.. Enumerable.Range(0, silos).Select(i => new IPEndPoint(IPAddress.Loopback, basePort + 10 + i))],
                TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var spec = new ShardSpec($"bench-{silos}-{layout.ItemBytes}", [.. layout.Columns.Select(ColumnDefinition.From)], 100_000 / (2 * silos),
                "prioritized", 0.9, 1, 0, 1, null);
            var replay = ShardedReplay.ConnectAsync(grains, spec, new ShardedReplayOptions(2 * silos, RateLimiterOptions.MinSize(1))).GetAwaiter().GetResult();
            var rate = Produce(layout, batch, seconds, () => replay.Writer(), () => replay.Accounting.Acknowledged);
            var on = replay.StatusAsync().GetAwaiter().GetResult().Select(s => s.Silo).Distinct().Count();
            if (on < silos) Console.WriteLine($"  (the {2 * silos} shards landed on {on} of {silos} silos)");
            client.StopAsync().GetAwaiter().GetResult();
            return rate;
        }
        finally
        {
            foreach (var p in processes)
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.WaitForExit(5000);
                p.Dispose();
            }
        }
    }

    /// <summary>Eight producers send full batches into their own writer for <paramref name="seconds"/>; returns items acknowledged per second.</summary>
    static double Produce(ItemLayout layout, int batch, double seconds, Func<ITargetBlock<ItemBatch>> writer, Func<long> acknowledged)
    {
        var pool = BatchPool.Items(layout, batch);
        var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 8).Select(_ => writer()).ToArray();
        // Warm up (connections, JIT), then count what is acknowledged during the window.
        var producers = writers.Select((w, p) => Task.Run(async () =>
        {
            var random = new Random(p);
            while (!stop.IsCancellationRequested)
            {
                var items = pool.Rent();
                while (!items.IsFull) items.Add(1 + random.NextDouble());
                if (!await w.SendAsync(items)) break;
            }
        })).ToArray();
        Thread.Sleep(TimeSpan.FromSeconds(Math.Min(1, seconds / 2)));
        var start = acknowledged();
        var clock = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        var done = acknowledged() - start;
        var elapsed = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        Task.WaitAll(producers);
        foreach (var w in writers) w.Complete();
        Task.WaitAll([.. writers.Select(w => w.Completion)]);
        return done / elapsed;
    }

    static Process StartSilo(int siloPort, int gatewayPort, int? primary) =>
        SiloProcess.Start(Path.Combine(AppContext.BaseDirectory, "pipeline.dll"), siloPort, gatewayPort, primary);

    static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
