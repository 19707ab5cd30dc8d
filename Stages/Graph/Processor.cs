namespace Pipeline.Stages.Graph;

/// <summary>
/// The materialized, per-run form of a stage: a synchronous function from one input to zero or more
/// outputs. Synchronous on purpose: a TorchSharp dispose scope may open and close inside
/// <see cref="Process"/>, never across an await.
/// </summary>
public abstract class Processor<TIn, TOut> : IDisposable
{
    public abstract void Process(TIn input, Action<TOut> emit);

    /// <summary>Called once after the last input when the run ends normally or is stopped (not on failure).</summary>
    public virtual void Complete(Action<TOut> emit) { }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

sealed class FunctionProcessor<TIn, TOut>(Action<TIn, Action<TOut>> process) : Processor<TIn, TOut>
{
    public override void Process(TIn input, Action<TOut> emit) => process(input, emit);
}
