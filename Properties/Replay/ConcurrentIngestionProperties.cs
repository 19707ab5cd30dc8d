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
}
