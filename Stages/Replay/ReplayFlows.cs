using System.Runtime.CompilerServices;
using System.Threading.Tasks.Dataflow;
using Pipeline.Stages.Graph;

namespace Pipeline.Stages.Replay;

/// <summary>
/// A table as dataflow: a bounded writer that awaits the rate limiter (so back-pressure reaches every producer's
/// <c>await SendAsync</c>) and a source of pooled sample batches. Both as plain TPL Dataflow and as blueprint parts.
/// </summary>
public static class ReplayFlows
{
    /// <summary>
    /// A target that inserts every batch it receives, then disposes it (back to its pool). At most
    /// <paramref name="capacity"/> batches wait; while the rate limiter blocks inserts the queue fills and producers'
    /// <c>SendAsync</c> waits. With one worker batches go in in arrival order; with <paramref name="parallelism"/> &gt; 1
    /// several workers insert at once (the table is thread-safe), which keeps a single writer thread from being the
    /// bottleneck when it competes for cores with many producers, but a producer's batches may then be reordered.
    /// Call <c>Complete()</c> and await <c>Completion</c> to be sure everything went in; a cancelled token or a failed
    /// insert faults the block.
    /// </summary>
    public static ITargetBlock<ItemBatch> Writer(this ReplayTable table, int capacity = 4, int parallelism = 1, CancellationToken cancellation = default) =>
        new ActionBlock<ItemBatch>(async batch =>
        {
            using (batch) await table.InsertAsync(batch, null, cancellation).ConfigureAwait(false);
        }, new ExecutionDataflowBlockOptions { BoundedCapacity = capacity, MaxDegreeOfParallelism = parallelism, CancellationToken = cancellation });

    /// <summary>
    /// The blueprint form of <see cref="Writer"/>: a sink that inserts every batch. When the run is stopped, batches
    /// still waiting for the rate limiter are dropped (a sampler that stopped would otherwise never let them in);
    /// when the sources simply end, every batch is inserted before the run completes.
    /// </summary>
    public static Sink<ItemBatch> Sink(this ReplayTable table, string name = "replay", int? capacity = null) =>
        new(name, context => new TableInlet(name, table, capacity ?? context.Options.DefaultCapacity, context));

    /// <summary>
    /// Sample batches drawn with <see cref="ReplayTable.SampleAsync"/> into buffers rented from <paramref name="pool"/>;
    /// whoever consumes a batch disposes it, which returns it to the pool. Ends after <paramref name="batches"/>
    /// (never, when null) or when the run stops. Batches are flexible (at least one item) unless
    /// <paramref name="full"/>, when every batch holds the pool's batch size (<see cref="ReplayTable.SampleAsync"/>).
    /// </summary>
    public static Source<SampleBatch> Samples(this ReplayTable table, BatchPool<SampleBatch> pool, long? batches = null, string name = "replay samples", bool full = false) =>
        Source.From(name, cancellation => Draw(table, pool, batches, full, cancellation));

    static async IAsyncEnumerable<SampleBatch> Draw(ReplayTable table, BatchPool<SampleBatch> pool, long? batches, bool full, [EnumeratorCancellation] CancellationToken cancellation)
    {
        for (var i = 0L; batches is null || i < batches; i++)
        {
            var batch = pool.Rent();
            try
            {
                await table.SampleAsync(batch, null, cancellation, full).ConfigureAwait(false);
            }
            catch
            {
                batch.Dispose();
                throw;
            }
            yield return batch;
        }
    }

    sealed class TableInlet : Inlet<ItemBatch>
    {
        readonly ActionBlock<ItemBatch> block;

        public TableInlet(string name, ReplayTable table, int capacity, RunContext context) =>
            block = new ActionBlock<ItemBatch>(async batch =>
            {
                using (batch)
                {
                    if (context.Faulted || context.Stopping.IsCancellationRequested) return;
                    try
                    {
                        await table.InsertAsync(batch, null, context.Stopping).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
                    {
                    }
                    catch (Exception e)
                    {
                        context.Fail(name, e);
                    }
                }
            }, new ExecutionDataflowBlockOptions { BoundedCapacity = capacity });

        public override async ValueTask<bool> SendAsync(ItemBatch item)
        {
            if (await block.SendAsync(item).ConfigureAwait(false)) return true;
            item.Dispose();
            return false;
        }

        public override async Task CompleteAsync()
        {
            block.Complete();
            await block.Completion.ConfigureAwait(false);
        }
    }
}
