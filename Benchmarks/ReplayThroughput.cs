using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks.Dataflow;
using Pipeline.Stages.Replay;

namespace Pipeline.Benchmarks;

/// <summary>
/// Replay ingestion and sampling against this machine's memory-copy bandwidth, all measured in the same run:
/// small items (64 floats) and Atari-sized items (84x84 bytes), 1 and 8 producers inserting batches while one
/// consumer samples batches of 64 concurrently (as fast as it can: the limiter is MinSize), then inserting alone and
/// sampling alone. "dataflow" sends pooled batches into <see cref="ReplayFlows.Writer"/> with as many workers as cores
/// ("dataflow/1": one worker, so inserts never wait for each other's hold on the table lock). The last rows put a
/// learner's rate limiter between them instead (1 and 0.25 samples per insert, within an error buffer), so the sampler
/// takes the share a learner with that replay ratio would: Reverb's limiter is two-sided, inserts also wait for it.
/// </summary>
public static class ReplayThroughput
{
    const double ReverbSingleServerFramesPerSecond = 224_000; // Reverb issue #58, one server (irm_ngu.md 3.2)

    public static void Run(double seconds)
    {
        Console.WriteLine(Text($"replay throughput, {seconds:F1} s per measurement, {Environment.ProcessorCount} cores"));
        // The best of three: the machine is shared, and the ratio should be against what memory can do.
        var bandwidth = Enumerable.Range(0, 3).Max(_ => CopyBandwidth(seconds / 3));
        Console.WriteLine(Text($"memory copy (Span.CopyTo, 256 MB, best of 3): {bandwidth / 1e9:F2} GB/s copied"));
        Console.WriteLine(Text($"context: a single Reverb server at about {ReverbSingleServerFramesPerSecond / 1e3:F0} thousand frames/s (user report, Reverb issue #58)"));
        Console.WriteLine();
        Console.WriteLine("items            producers path       inserted/s      GB/s  x memcpy  sampled/s while inserting");
        var small = new ItemLayout(new ColumnSpec("obs", ElementType.Float32, 64));
        var atari = new ItemLayout(new ColumnSpec("frame", ElementType.UInt8, 84, 84));
        foreach (var (name, layout, capacity, batch) in new[] { ("64 floats", small, 1 << 20, 1024), ("84x84 bytes", atari, 50_000, 64) })
        {
            foreach (var producers in new[] { 1, 8 })
                foreach (var workers in producers == 1 ? new[] { 0, 1 } : new[] { 0, Environment.ProcessorCount, 1 })
                {
                    var (inserted, sampled) = Ingest(layout, capacity, batch, producers, workers, seconds);
                    var gb = inserted * layout.ItemBytes / 1e9;
                    var path = workers switch { 0 => "direct", 1 => "dataflow/1", _ => "dataflow" };
                    Console.WriteLine(Text($"{name,-16} {producers,9} {path,-10} {inserted,11:N0} {gb,9:F2} {gb * 1e9 / bandwidth,9:F2} {sampled,12:N0}"));
                }
            var alone = InsertOnly(layout, capacity, batch, seconds);
            Console.WriteLine(Text($"{name,-16} inserting alone (1 thread, batch {batch}): {alone,12:N0} items/s, {alone * layout.ItemBytes / 1e9:F2} GB/s"));
            var (drawn, _) = SampleOnly(layout, capacity, seconds);
            Console.WriteLine(Text($"{name,-16} sampling alone (batch 64, prioritized): {drawn,12:N0} items/s, {drawn * layout.ItemBytes / 1e9:F2} GB/s"));
        }
        // One sample per insert, and the Disco Maze recipe's 0.25.
        foreach (var samplesPerInsert in new[] { 1.0, 0.25 })
        {
            Console.WriteLine();
            Console.WriteLine(Text($"with a rate limiter of {samplesPerInsert} samples per insert (error buffer {RatioErrorBuffer} samples) instead of an unthrottled sampler:"));
            foreach (var workers in new[] { 0, 1 })
            {
                var (inserted, sampled) = Ingest(atari, 50_000, 64, 8, workers, seconds, Ratio(samplesPerInsert));
                var gb = inserted * atari.ItemBytes / 1e9;
                Console.WriteLine(Text($"{"84x84 bytes",-16} {8,9} {(workers == 0 ? "direct" : "dataflow/1"),-10} {inserted,11:N0} {gb,9:F2} {gb * 1e9 / bandwidth,9:F2} {sampled,12:N0}"));
            }
        }
    }

    const int RatioErrorBuffer = 16_384;
    const int MinSizeToSample = 1_000;

    /// <summary>Samples per insert held within the error buffer around min-size x ratio, as Reverb's SampleToInsertRatio.</summary>
    static RateLimiterOptions Ratio(double samplesPerInsert) => RateLimiterOptions.SampleToInsertRatio(samplesPerInsert, MinSizeToSample, RatioErrorBuffer);

    static double CopyBandwidth(double seconds)
    {
        var source = new byte[256 << 20];
        var target = new byte[256 << 20];
        new Random(1).NextBytes(source);
        source.AsSpan().CopyTo(target); // touch every page first
        var clock = Stopwatch.StartNew();
        long copied = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            source.AsSpan().CopyTo(target);
            copied += source.Length;
        }
        return copied / clock.Elapsed.TotalSeconds;
    }

    static TableOptions Options(ItemLayout layout, int capacity, RateLimiterOptions? limiter = null) =>
        new(layout, capacity, Sampler.Prioritized(0.9), limiter ?? RateLimiterOptions.MinSize(MinSizeToSample), Seed: 1);

    /// <summary>
    /// Producers insert prefilled batches (the copy into the table is real; generating data is not measured) for
    /// <paramref name="seconds"/> while one consumer samples; returns items inserted and sampled per second.
    /// <paramref name="writerWorkers"/> 0 is "direct": every producer calls InsertAsync (one lock acquisition per batch);
    /// otherwise producers <c>await SendAsync</c> into the table's bounded writer block with that many workers.
    /// </summary>
    static (double Inserted, double Sampled) Ingest(ItemLayout layout, int capacity, int batchSize, int producers, int writerWorkers, double seconds,
        RateLimiterOptions? limiter = null)
    {
        var table = new ReplayTable(Options(layout, capacity, limiter));
        if (limiter is null) Prefill(table, layout, capacity);
        else PrefillSampling(table, layout, capacity);
        var before = table.Info().Counters;
        using var stop = new CancellationTokenSource();
        using var stopSampling = new CancellationTokenSource();
        var writer = writerWorkers > 0 ? table.Writer(capacity: 2 * producers, parallelism: Math.Min(producers, writerWorkers)) : null;
        var pool = BatchPool.Items(layout, batchSize);
        var clock = Stopwatch.StartNew();
        // Dedicated threads: inserts that never block complete synchronously and would otherwise hold every pool thread.
        var producing = Enumerable.Range(0, producers).Select(p => Dedicated(async () =>
        {
            var own = Filled(new ItemBatch(layout, batchSize), p);
            while (!stop.IsCancellationRequested)
            {
                if (writer is null) await table.InsertAsync(own);
                else
                {
                    // The writer disposes what it inserted (back to the pool), so each send is a pooled batch.
                    var batch = pool.Rent();
                    if (batch.Priorities[0] == 0) Filled(batch, p); // a new batch; a returned one keeps its data
                    while (!batch.IsFull) batch.Add(1.0);
                    await writer.SendAsync(batch);
                }
            }
        })).ToArray();
        var sampling = Dedicated(async () =>
        {
            var batch = new SampleBatch(layout, 64);
            try
            {
                while (!stopSampling.IsCancellationRequested) await table.SampleAsync(batch, cancellation: stopSampling.Token);
            }
            catch (OperationCanceledException)
            {
                // A limited sampler may be waiting for inserts when the producers have stopped.
            }
        });
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        // Producers and the writer stop first: a limited insert waits for the sampler, which still runs.
        stop.Cancel();
        Task.WaitAll(producing);
        if (writer is not null)
        {
            writer.Complete();
            writer.Completion.Wait();
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        var after = table.Info().Counters;
        stopSampling.Cancel();
        sampling.Wait();
        return ((after.Inserts - before.Inserts) / elapsed, (after.Samples - before.Samples) / elapsed);
    }

    /// <summary>Runs <paramref name="work"/> on a thread of its own (its continuations after a real wait go to the pool).</summary>
    static Task Dedicated(Func<Task> work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                work().GetAwaiter().GetResult();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true }.Start();
        return done.Task;
    }

    static double InsertOnly(ItemLayout layout, int capacity, int batchSize, double seconds)
    {
        var table = new ReplayTable(Options(layout, capacity));
        Prefill(table, layout, capacity);
        var batch = Filled(new ItemBatch(layout, batchSize), 3);
        var clock = Stopwatch.StartNew();
        long inserted = 0;
        while (clock.Elapsed.TotalSeconds < seconds) inserted += table.TryInsert(batch);
        return inserted / clock.Elapsed.TotalSeconds;
    }

    static (double Items, double Unused) SampleOnly(ItemLayout layout, int capacity, double seconds)
    {
        var table = new ReplayTable(Options(layout, capacity));
        Prefill(table, layout, capacity);
        var batch = new SampleBatch(layout, 64);
        var clock = Stopwatch.StartNew();
        long drawn = 0;
        while (clock.Elapsed.TotalSeconds < seconds) drawn += table.TrySample(batch);
        return (drawn / clock.Elapsed.TotalSeconds, 0);
    }

    static void Prefill(ReplayTable table, ItemLayout layout, int capacity)
    {
        var batch = Filled(new ItemBatch(layout, 4096), 0);
        for (var n = 0; n < capacity; n += batch.Count) table.TryInsert(batch);
    }

    /// <summary>Fills the table under a ratio limiter: small inserts, each followed by as many samples as it allows.</summary>
    static void PrefillSampling(ReplayTable table, ItemLayout layout, int capacity)
    {
        var batch = Filled(new ItemBatch(layout, 64), 0);
        var drawn = new SampleBatch(layout, 64);
        for (long n = 0; n < capacity;)
        {
            n += table.TryInsert(batch);
            while (table.TrySample(drawn) > 0) { }
        }
    }

    static ItemBatch Filled(ItemBatch batch, int seed)
    {
        var random = new Random(seed);
        batch.Clear();
        while (!batch.IsFull) batch.Add(0.1 + random.NextDouble());
        for (var c = 0; c < batch.Layout.Columns.Count; c++)
        {
            if (batch.Layout.Columns[c].Type == ElementType.UInt8) random.NextBytes(batch.Bytes(c));
            else
            {
                var floats = batch.Floats(c);
                for (var i = 0; i < floats.Length; i++) floats[i] = (float)random.NextDouble();
            }
        }
        return batch;
    }

    static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
