using Pipeline.Stages.Graph;
using Pipeline.Stages.Replay;

namespace Pipeline.Examples;

/// <summary>
/// Experience from your own producers into a prioritized sequence replay, R2D2-style: each producer steps its own
/// (here: fake) environment copies, a <see cref="VectorSequenceAdder"/> cuts the steps into overlapping sequences,
/// and full batches flow into the table's sink with back-pressure; a learner samples batches, computes TD errors
/// (here: fake ones) and writes the R2D2 sequence priorities back. A SampleToInsertRatio limiter keeps the learner
/// and the producers at about <c>samplesPerInsert</c> samples per inserted sequence, whichever side is faster.
/// </summary>
public static class ReplayIngestion
{
    /// <param name="Inserted">sequences inserted (limiter counter).</param>
    /// <param name="Sampled">sequences sampled (limiter counter).</param>
    /// <param name="LearnerBatches">batches the learner consumed.</param>
    public sealed record Result(RunResult Producers, RunResult Learner, long Inserted, long Sampled, int LearnerBatches, TableInfo Table);

    /// <summary>One step of a small recurrent agent: observation, action, reward.</summary>
    public static readonly ItemLayout Step = new(
        new ColumnSpec("obs", ElementType.UInt8, 3, 21, 21),
        new ColumnSpec("action", ElementType.Int32),
        new ColumnSpec("reward", ElementType.Float32));

    public static async Task<Result> Run(int producers = 4, int copiesPerProducer = 8, int stepsPerProducer = 400, double samplesPerInsert = 2, int seed = 1)
    {
        var sequences = new SequenceLayout(Step, length: 20, period: 10, stateShape: [2, 16]);
        var table = new ReplayTable(new TableOptions(
            sequences.Items, Capacity: 2_000, Sampler.Prioritized(0.9),
            RateLimiterOptions.SampleToInsertRatio(samplesPerInsert, minSizeToSample: 50, errorBuffer: 200),
            ImportanceExponent: 0.6, Seed: seed));
        var items = BatchPool.Items(sequences.Items, batchSize: 16);

        // Each producer is a source of full item batches; Graph.Merge fans them into the table's sink.
        var producing = Graph.Merge(Enumerable.Range(0, producers)
                .Select(p => Graph.From(Source.From($"producer-{p}", token => Produce(sequences, items, copiesPerProducer, stepsPerProducer, seed * 100 + p, token))))
                .ToArray())
            .To(table.Sink(capacity: 4));

        // The learner stops once the producers are done and the limiter lets it take no more.
        using var stopLearner = new CancellationTokenSource();
        var batches = 0;
        var samples = BatchPool.Samples(sequences.Items, batchSize: 32);
        var learning = Graph.From(table.Samples(samples, full: true)) // a learner trains on whole batches
            .To(Sink.ForEach<SampleBatch>("learner", batch =>
            {
                using (batch) Learn(table, sequences, batch);
                batches++;
            }, capacity: 2))
            .Run(cancellation: stopLearner.Token);

        var produced = await producing.Run();
        // Let the learner catch up with the last inserts, then stop it.
        while (!learning.IsCompleted && table.Info().Counters is var c && c.Inserts * samplesPerInsert - c.Samples >= 32 + table.Options.RateLimiter.MinDiff)
            await Task.Delay(10);
        stopLearner.Cancel();
        var learned = await learning;
        var info = table.Info();
        return new Result(produced, learned, info.Counters.Inserts, info.Counters.Samples, batches, info);
    }

    static async IAsyncEnumerable<ItemBatch> Produce(SequenceLayout sequences, BatchPool<ItemBatch> items, int copies, int steps, int seed,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        var output = new ItemBatchBuilder(items);
        var adder = new VectorSequenceAdder(sequences, copies, output);
        var step = new ColumnBlock(Step, copies);
        var states = new float[copies * sequences.StateSize];
        var ends = new bool[copies];
        var random = new Random(seed);
        for (var t = 0; t < steps && !cancellation.IsCancellationRequested; t++)
        {
            random.NextBytes(step.Bytes(0));                                 // the environments' observations
            for (var c = 0; c < copies; c++)
            {
                step.Ints(1)[c] = random.Next(18);                           // the actor's actions
                step.Floats(2)[c] = (float)random.NextDouble();              // rewards
                ends[c] = random.Next(100) == 0;                             // episode ends
            }
            states.AsSpan().Fill(t);                                         // the recurrent states before this step
            adder.Append(step, states, ends);
            while (output.TakeFull() is { } full) yield return full;        // the sink disposes it: back to the pool
            await Task.Yield();
        }
        for (var c = 0; c < copies; c++) adder[c].EndEpisode();
        while (output.TakeRest() is { } rest) yield return rest;
    }

    /// <summary>Where a learner would unroll its network; here fake TD errors give the R2D2 priorities.</summary>
    static void Learn(ReplayTable table, SequenceLayout sequences, SampleBatch batch)
    {
        Span<double> td = stackalloc double[sequences.Length];
        var priorities = new double[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var rewards = batch.Item<float>(sequences.Items.IndexOf("reward"), i);
            for (var k = 0; k < td.Length; k++) td[k] = (rewards[k] - 0.5) * batch.Weights[i];
            priorities[i] = SequencePriority.Mixed(td, batch.Item<float>(sequences.Items.IndexOf("mask"), i));
        }
        table.UpdatePriorities(batch.Keys.AsSpan(0, batch.Count), priorities);
    }
}
