using System.Threading.Tasks.Dataflow;
using FsCheck.Xunit;
using Pipeline.Stages.Replay;

namespace Pipeline.Properties.Replay;

/// <summary>Many producers and consumers at once: nothing is lost or duplicated, eviction is Fifo, the limiter holds throughout.</summary>
public class ConcurrentIngestionProperties
{
    [Property(MaxTest = 12)]
    public bool Concurrent_producers_consumers_and_priority_updates_conserve_every_item(byte producersSeed, byte consumersSeed, byte capacitySeed, byte batchSeed, bool ratio)
    {
        var producers = 1 + producersSeed % 6;
        var consumers = 1 + consumersSeed % 3;
        var capacity = 20 + capacitySeed % 200;
        var batchSize = 1 + batchSeed % 16;
        const int perProducer = 600;
        var limiter = ratio ? RateLimiterOptions.SampleToInsertRatio(2, 10, 40) : RateLimiterOptions.MinSize(10);
        var table = new ReplayTable(ReplayFixtures.Options(capacity, Sampler.Prioritized(0.9), limiter, seed: producersSeed));
        using var stop = new CancellationTokenSource();
        var writer = table.Writer(capacity: 2);
        var pool = BatchPool.Items(ReplayFixtures.Layout, batchSize);
        var violations = 0;

        var producing = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var batch = pool.Rent();
            for (var k = 0; k < perProducer; k++)
            {
                ReplayFixtures.Add(batch, p * 1_000_000 + k, 1 + k % 5);
                if (!batch.IsFull && k < perProducer - 1) continue;
                if (!await writer.SendAsync(batch)) throw new InvalidOperationException("the writer refused a batch");
                batch = pool.Rent();
            }
            batch.Dispose();
        })).ToArray();

        var consuming = Enumerable.Range(0, consumers).Select(c => Task.Run(async () =>
        {
            var sample = new SampleBatch(ReplayFixtures.Layout, 8);
            var random = new Random(c);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await table.SampleAsync(sample, cancellation: stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                for (var i = 0; i < sample.Count; i++) ReplayFixtures.IdOf(sample, i); // throws on a torn item
                var priorities = Enumerable.Range(0, sample.Count).Select(_ => random.NextDouble() * 3).ToArray();
                table.UpdatePriorities(sample.Keys.AsSpan(0, sample.Count), priorities);
            }
        })).ToArray();

        var monitoring = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var c = table.Info().Counters;
                var diff = c.Inserts * limiter.SamplesPerInsert - c.Samples;
                if ((c.Samples > 0 && diff < limiter.MinDiff) || (diff > limiter.MaxDiff && c.Size > limiter.MinSizeToSample)) Interlocked.Increment(ref violations);
                Thread.Yield();
            }
        });

        Task.WaitAll(producing, TimeSpan.FromSeconds(30));
        writer.Complete();
        // With a ratio limiter, the last inserts wait for samples; consumers keep sampling until the writer is done.
        if (!writer.Completion.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the writer did not finish");
        stop.Cancel();
        Task.WaitAll([.. consuming, monitoring], TimeSpan.FromSeconds(30));

        var info = table.Info();
        var total = producers * perProducer;
        var keys = table.Keys();
        var held = new SampleBatch(ReplayFixtures.Layout, 1);
        var ids = keys.Select(k => table.TryRead(k, held, 0, out _) ? ReplayFixtures.IdOf(held, 0) : throw new InvalidOperationException($"key {k} vanished")).ToArray();
        // Each producer's items keep their order; the held items are the newest insertions (Fifo eviction), all distinct.
        var perProducerOrdered = ids.GroupBy(id => id / 1_000_000).All(g => g.SequenceEqual(g.Order())); // ids are in key order
        return violations == 0
            && info.Counters.Inserts == total
            && info.Counters.Deletes == total - info.Size
            && info.Size == Math.Min(capacity, total)
            && keys.Select(k => k / capacity).SequenceEqual(Enumerable.Range(total - info.Size, info.Size).Select(k => (long)k)) // key = insertion · capacity + slot
            && ids.Distinct().Count() == ids.Length
            && ids.All(id => id % 1_000_000 < perProducer && id / 1_000_000 < producers)
            && perProducerOrdered
            && pool.Created <= producers * 2 + 2 + 2;
    }

    /// <summary>
    /// A queue (Fifo sampler, each item sampled once, a Queue limiter as small as the table) under concurrent producers
    /// and consumers: samplers copy outside the lock, so a sampled item's slot stays pinned until copied and the next
    /// insert waits for it. Every item arrives exactly once, intact, and each consumer sees each producer's items in order.
    /// </summary>
    [Property(MaxTest = 8)]
    public bool A_concurrent_queue_delivers_every_item_exactly_once_in_order(byte producersSeed, byte consumersSeed)
    {
        var (producers, consumers) = (1 + producersSeed % 4, 1 + consumersSeed % 3);
        const int perProducer = 400, capacity = 4;
        var table = new ReplayTable(ReplayFixtures.Options(capacity, Sampler.Fifo, RateLimiterOptions.Queue(capacity), maxTimesSampled: 1));
        var received = new List<int>[consumers];
        var total = producers * perProducer;
        var remaining = total;
        var producing = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var batch = new ItemBatch(ReplayFixtures.Layout, 2);
            for (var k = 0; k < perProducer; k++)
            {
                ReplayFixtures.Add(batch, p * 1_000_000 + k);
                if (!batch.IsFull && k < perProducer - 1) continue;
                await table.InsertAsync(batch, TimeSpan.FromSeconds(30));
                batch.Clear();
            }
        })).ToArray();
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var consuming = Enumerable.Range(0, consumers).Select(c => Task.Run(async () =>
        {
            var mine = received[c] = [];
            var sample = new SampleBatch(ReplayFixtures.Layout, 3);
            while (Volatile.Read(ref remaining) > 0)
            {
                try
                {
                    await table.SampleAsync(sample, TimeSpan.FromMilliseconds(200), done.Token);
                }
                catch (TimeoutException)
                {
                    continue; // the others may have taken the last items
                }
                for (var i = 0; i < sample.Count; i++) mine.Add(ReplayFixtures.IdOf(sample, i));
                Interlocked.Add(ref remaining, -sample.Count);
            }
        })).ToArray();
        Task.WaitAll([.. producing, .. consuming], TimeSpan.FromSeconds(60));
        var all = received.SelectMany(r => r).ToList();
        var inOrder = received.All(r => r.GroupBy(id => id / 1_000_000).All(g => g.SequenceEqual(g.Order())));
        return all.Count == total && all.Distinct().Count() == total && inOrder && table.Size == 0;
    }

    /// <summary>
    /// A small table that evicts all the time while samplers pin items they copy out: every sampled item is intact and
    /// is the item its key names. Keys grow with insertion, as each producer's ids do, so among one producer's samples
    /// the key order and the id order agree (a slot overwritten during the copy would break that).
    /// </summary>
    [Property(MaxTest = 8)]
    public bool Items_evicted_while_being_copied_out_are_read_intact(byte producersSeed, bool fifo)
    {
        var producers = 1 + producersSeed % 4;
        const int wanted = 5_000;
        var table = new ReplayTable(ReplayFixtures.Options(8, fifo ? Sampler.Fifo : Sampler.Uniform, RateLimiterOptions.MinSize(1)));
        using var stop = new CancellationTokenSource();
        var inserted = new int[producers];
        // Producers insert until the consumers have seen enough, so sampling and eviction overlap throughout.
        var producing = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var batch = new ItemBatch(ReplayFixtures.Layout, 4);
            for (var k = 0; !stop.IsCancellationRequested; k++)
            {
                ReplayFixtures.Add(batch, k * producers + p); // ids grow with k for ever: the producer is the remainder
                if (!batch.IsFull) continue;
                await table.InsertAsync(batch, TimeSpan.FromSeconds(30));
                inserted[p] = k + 1;
                batch.Clear();
            }
        })).ToArray();
        var samples = new List<(long Key, int Id)>[2];
        var seen = 0;
        var consuming = Enumerable.Range(0, 2).Select(c => Task.Run(async () =>
        {
            var mine = samples[c] = [];
            var sample = new SampleBatch(ReplayFixtures.Layout, 4);
            while (Volatile.Read(ref seen) < wanted)
            {
                await table.SampleAsync(sample, TimeSpan.FromSeconds(30));
                for (var i = 0; i < sample.Count; i++) mine.Add((sample.Keys[i], ReplayFixtures.IdOf(sample, i)));
                Interlocked.Add(ref seen, sample.Count);
            }
        })).ToArray();
        var finished = Task.WaitAll(consuming, TimeSpan.FromSeconds(60));
        stop.Cancel();
        Task.WaitAll(producing, TimeSpan.FromSeconds(30));
        Xunit.Assert.True(finished, $"the consumers saw only {seen} items in 60 s");
        var consistent = samples.SelectMany(s => s).GroupBy(s => s.Id % producers).All(g =>
        {
            var byKey = g.OrderBy(s => s.Key).ThenBy(s => s.Id).ToList();
            return byKey.Zip(byKey.Skip(1)).All(pair => pair.Item1.Key == pair.Item2.Key ? pair.Item1.Id == pair.Item2.Id : pair.Item1.Id < pair.Item2.Id);
        });
        Xunit.Assert.True(consistent, "a sampled item is not the one its key names");
        return table.Info().Counters.Inserts == inserted.Sum();
    }
}
