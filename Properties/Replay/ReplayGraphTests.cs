using Pipeline.Examples;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Replay;

/// <summary>The table as blueprint parts: a sink that back-pressures producers, a source of pooled sample batches.</summary>
public class ReplayGraphTests
{
    [Fact]
    public async Task Merged_producers_into_the_table_sink_insert_every_item_once()
    {
        var table = new ReplayTable(ReplayFixtures.Options(10_000));
        var pool = BatchPool.Items(ReplayFixtures.Layout, 7);
        IEnumerable<ItemBatch> Produce(int p)
        {
            var batch = pool.Rent();
            for (var k = 0; k < 500; k++)
            {
                ReplayFixtures.Add(batch, p * 10_000 + k);
                if (batch.IsFull) { yield return batch; batch = pool.Rent(); }
            }
            yield return batch;
        }
        var result = await Graph.Merge(Enumerable.Range(0, 5).Select(p => Graph.From(Source.From($"p{p}", () => Produce(p)))).ToArray())
            .To(table.Sink(capacity: 2))
            .Run();
        Assert.Equal(RunStatus.Completed, result.Status);
        var held = new SampleBatch(ReplayFixtures.Layout, 1);
        var ids = table.Keys().Select(k => table.TryRead(k, held, 0, out _) ? ReplayFixtures.IdOf(held, 0) : -1).Order();
        Assert.Equal(Enumerable.Range(0, 5).SelectMany(p => Enumerable.Range(p * 10_000, 500)), ids);
    }

    [Fact]
    public async Task The_sample_source_reuses_its_pooled_batches()
    {
        var table = ReplayFixtures.Filled(ReplayFixtures.Options(100), 100);
        var pool = BatchPool.Samples(ReplayFixtures.Layout, 16);
        var seen = 0;
        var result = await Graph.From(table.Samples(pool, batches: 200))
            .To(Sink.ForEach<SampleBatch>("learner", b => { using (b) seen += b.Count; }, capacity: 2))
            .Run();
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(200 * 16, seen);
        Assert.InRange(pool.Created, 1, 6); // bounded by what the graph holds in flight, not by the batch count
    }

    [Fact]
    public async Task The_replay_example_ingests_from_several_producers_and_keeps_the_sample_ratio()
    {
        var result = await ReplayIngestion.Run(producers: 3, copiesPerProducer: 4, stepsPerProducer: 200);
        Assert.Equal(RunStatus.Completed, result.Producers.Status);
        // Each producer's 4 copies x 200 steps give about 80 sequences (period 10) per copy-episode structure.
        Assert.True(result.Inserted >= 3 * 4 * 200 / 10, $"{result.Inserted} sequences inserted");
        var diff = result.Inserted * 2.0 - result.Sampled;
        Assert.InRange(diff, 2 * 50 - 200, 2 * 50 + 200); // the limiter's band: spi·min_size ± error_buffer
        Assert.True(result.LearnerBatches > 0);
        Assert.Equal(result.LearnerBatches * 32L, result.Sampled); // whole batches only
    }
}
