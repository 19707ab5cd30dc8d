using System.Diagnostics;

namespace Pipeline.Stages.Graph;

/// <summary>A closed blueprint: sources through stages into sinks. Each <see cref="Run"/> materializes fresh blocks.</summary>
public sealed class RunnableGraph
{
    readonly Action<RunContext> materialize;

    internal RunnableGraph(string name, Action<RunContext> materialize) => (Name, this.materialize) = (name, materialize);

    public string Name { get; }

    /// <summary>
    /// Runs the graph to the end. Cancelling <paramref name="cancellation"/> stops it gracefully: sources stop,
    /// what is in flight drains, stages finish (a training stage writes its final checkpoint). A failure in any
    /// stage stops the sources, makes the other stages drop what they hold, lets every sink flush and close,
    /// and is reported with the stage's name. Never throws for a stage failure: see <see cref="RunResult"/>.
    /// </summary>
    public async Task<RunResult> Run(RunOptions? options = null, CancellationToken cancellation = default)
    {
        var context = new RunContext(options ?? RunOptions.Default);
        var clock = Stopwatch.StartNew();
        try
        {
            try
            {
                materialize(context);
            }
            catch (Exception e)
            {
                context.Fail("materialize", e);
                return new RunResult(RunStatus.Failed, context.Failure, clock.Elapsed);
            }
            using (cancellation.Register(context.RequestStop))
                await Task.WhenAll(context.Starters.Select(start => start())).ConfigureAwait(false);
        }
        finally
        {
            context.ReleaseAll();
        }
        var status = context.Failure is not null ? RunStatus.Failed
            : cancellation.IsCancellationRequested ? RunStatus.Stopped
            : RunStatus.Completed;
        return new RunResult(status, context.Failure, clock.Elapsed);
    }
}
