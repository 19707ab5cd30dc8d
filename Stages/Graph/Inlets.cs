using System.Threading.Tasks.Dataflow;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Where a producer hands messages on. Materializing a blueprint turns every stage and sink into an
/// inlet; producers await <see cref="SendAsync"/> (back-pressure) and call <see cref="CompleteAsync"/>
/// once, which finishes everything downstream of them.
/// </summary>
abstract class Inlet<T>
{
    /// <returns>false when downstream will take nothing more: the producer stops.</returns>
    public abstract ValueTask<bool> SendAsync(T item);

    public abstract Task CompleteAsync();
}

static class Messages
{
    /// <summary>Messages that own native memory (tensor batches) are disposed when they are dropped.</summary>
    public static void Discard<T>(T item) => (item as IDisposable)?.Dispose();
}

/// <summary>A fused stage: runs its processor on the producer's own thread, with no buffer in between.</summary>
sealed class FusedInlet<TIn, TOut>(string name, Processor<TIn, TOut> processor, Inlet<TOut> next, RunContext context) : Inlet<TIn>
{
    public override ValueTask<bool> SendAsync(TIn item)
    {
        if (context.Faulted)
        {
            Messages.Discard(item);
            return ValueTask.FromResult(false);
        }
        List<TOut> outputs = new(1);
        try
        {
            processor.Process(item, outputs.Add);
        }
        catch (Exception e)
        {
            context.Fail(name, e);
            outputs.ForEach(Messages.Discard);
            return ValueTask.FromResult(false);
        }
        return Forward(outputs);
    }

    async ValueTask<bool> Forward(List<TOut> outputs)
    {
        for (var i = 0; i < outputs.Count; i++)
        {
            if (!await next.SendAsync(outputs[i]).ConfigureAwait(false))
            {
                for (var j = i + 1; j < outputs.Count; j++) Messages.Discard(outputs[j]);
                return false;
            }
        }
        return true;
    }

    public override async Task CompleteAsync()
    {
        if (!context.Faulted)
        {
            List<TOut> outputs = [];
            try
            {
                processor.Complete(outputs.Add);
            }
            catch (Exception e)
            {
                context.Fail(name, e);
            }
            await Forward(outputs).ConfigureAwait(false);
        }
        await next.CompleteAsync().ConfigureAwait(false);
    }
}

/// <summary>An async boundary: a bounded Dataflow block in front of the fused chain behind it.</summary>
sealed class BoundaryInlet<T> : Inlet<T>
{
    readonly ActionBlock<T> block;
    readonly Inlet<T> inner;

    public BoundaryInlet(string name, Inlet<T> inner, int capacity, int parallelism, RunContext context)
    {
        this.inner = inner;
        block = new ActionBlock<T>(async item =>
        {
            try
            {
                await inner.SendAsync(item).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                context.Fail(name, e);
            }
        }, new ExecutionDataflowBlockOptions { BoundedCapacity = capacity, MaxDegreeOfParallelism = parallelism });
    }

    public override async ValueTask<bool> SendAsync(T item)
    {
        if (await block.SendAsync(item).ConfigureAwait(false)) return true;
        Messages.Discard(item);
        return false;
    }

    public override async Task CompleteAsync()
    {
        block.Complete();
        await block.Completion.ConfigureAwait(false);
        await inner.CompleteAsync().ConfigureAwait(false);
    }
}

/// <summary>A sink: a bounded block that writes every message it receives, then flushes and closes its writer.</summary>
sealed class SinkInlet<T> : Inlet<T>
{
    readonly ActionBlock<T> block;
    readonly ISinkWriter<T> writer;
    readonly string name;
    readonly RunContext context;
    bool broken;

    public SinkInlet(string name, ISinkWriter<T> writer, int capacity, RunContext context)
    {
        (this.name, this.writer, this.context) = (name, writer, context);
        block = new ActionBlock<T>(item =>
        {
            if (broken) return;
            try
            {
                writer.Write(item);
            }
            catch (Exception e)
            {
                broken = true;
                context.Fail(name, e);
            }
        }, new ExecutionDataflowBlockOptions { BoundedCapacity = capacity, SingleProducerConstrained = false });
    }

    public override async ValueTask<bool> SendAsync(T item) => await block.SendAsync(item).ConfigureAwait(false);

    public override async Task CompleteAsync()
    {
        block.Complete();
        await block.Completion.ConfigureAwait(false);
        try
        {
            writer.Close();
        }
        catch (Exception e)
        {
            context.Fail(name, e);
        }
    }
}

/// <summary>Every message goes to every target; a message is accepted once all targets accepted it.</summary>
sealed class BroadcastInlet<T>(IReadOnlyList<Inlet<T>> targets) : Inlet<T>
{
    public override async ValueTask<bool> SendAsync(T item)
    {
        var accepted = true;
        foreach (var target in targets)
            accepted &= await target.SendAsync(item).ConfigureAwait(false);
        return accepted;
    }

    public override Task CompleteAsync() => Task.WhenAll(targets.Select(t => t.CompleteAsync()));
}

/// <summary>Fan-in: downstream completes only when every one of the inputs has completed.</summary>
sealed class MergeInlet<T>(Inlet<T> next, int inputs) : Inlet<T>
{
    int open = inputs;

    public override ValueTask<bool> SendAsync(T item) => next.SendAsync(item);

    public override Task CompleteAsync() =>
        Interlocked.Decrement(ref open) == 0 ? next.CompleteAsync() : Task.CompletedTask;
}

/// <summary>Lets several concurrent producers share one downstream chain that expects one caller at a time.</summary>
sealed class SerializedInlet<T>(Inlet<T> next) : Inlet<T>
{
    readonly SemaphoreSlim turn = new(1, 1);

    public override async ValueTask<bool> SendAsync(T item)
    {
        await turn.WaitAsync().ConfigureAwait(false);
        try
        {
            return await next.SendAsync(item).ConfigureAwait(false);
        }
        finally
        {
            turn.Release();
        }
    }

    public override Task CompleteAsync() => next.CompleteAsync();
}
