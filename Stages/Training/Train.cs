using Pipeline.Stages.Graph;

namespace Pipeline.Stages.Training;

/// <summary>Where a training run starts: a fresh state at step 0, or one restored from a checkpoint at its step.</summary>
public readonly record struct TrainStart<TState>(TState State, long Step);

/// <summary>
/// The optimization stage: owns the training state of one run, folds every batch into it with a pure
/// update function <c>(state, batch) -> (state', metrics)</c> (the state is consumed), and runs periodic
/// taps (evaluation, checkpoint snapshots) on the state between two updates, never concurrently with them.
/// </summary>
public sealed record TrainStage<TBatch, TState> where TState : IDisposable
{
    internal TrainStage(string name, Func<TrainStart<TState>> init, Func<TState, TBatch, (TState, IReadOnlyList<KeyValuePair<string, double>>)> update) =>
        (Name, Init, Update) = (name, init, update);

    public string Name { get; }
    Func<TrainStart<TState>> Init { get; }
    Func<TState, TBatch, (TState, IReadOnlyList<KeyValuePair<string, double>>)> Update { get; }
    IReadOnlyList<Tap> Taps { get; init; } = [];

    /// <summary>Stop the run when a metric becomes NaN or infinite (default on).</summary>
    public bool FailOnNonFinite { get; init; } = true;

    /// <summary>
    /// When set, the stage's init, updates and taps run on a <see cref="TrainerThread"/> of its own that first runs
    /// this; when null, <see cref="TrainerThread.Start"/> decides (the process's setting).
    /// </summary>
    public Action? OwnThreadStart { get; init; }

    /// <summary>
    /// Runs <paramref name="tap"/> on the state after every <paramref name="period"/>-th step; with
    /// <paramref name="atEnd"/> also after the last step of the run (if not already tapped there),
    /// which is how a stopped run writes its final checkpoint.
    /// </summary>
    public TrainStage<TBatch, TState> Every(long period, Func<TState, long, RunEvent?> tap, bool atEnd = false)
    {
        if (period < 1) throw new ArgumentOutOfRangeException(nameof(period), period, "period of at least 1");
        return this with { Taps = [.. Taps, new Tap(period, tap, atEnd)] };
    }

    /// <summary><see cref="Every"/> when <paramref name="period"/> is positive; unchanged when it is 0 (the tap is off).</summary>
    public TrainStage<TBatch, TState> EveryIf(long period, Func<TState, long, RunEvent?> tap, bool atEnd = false) =>
        period == 0 ? this : Every(period, tap, atEnd);

    public Stage<TBatch, RunEvent> ToStage() => Stage.Of(Name, () => new Trainer(this));

    public static implicit operator Stage<TBatch, RunEvent>(TrainStage<TBatch, TState> train) => train.ToStage();

    sealed record Tap(long Period, Func<TState, long, RunEvent?> Run, bool AtEnd);

    sealed class Trainer(TrainStage<TBatch, TState> spec) : Processor<TBatch, RunEvent>
    {
        TState? state;
        long step;
        long startStep;
        long[] lastTapped = [];
        readonly Dictionary<string, MetricsEvent> lastFinite = [];
        // Created with the first batch when TrainerThread.Start is set; everything the stage runs then runs there.
        TrainerThread? own;

        public override void Process(TBatch batch, Action<RunEvent> emit)
        {
            if (own is null && (spec.OwnThreadStart ?? TrainerThread.Start) is { } start) own = new TrainerThread(spec.Name, start);
            if (own is null) ProcessHere(batch, emit);
            else own.Run(() => ProcessHere(batch, emit));
        }

        void ProcessHere(TBatch batch, Action<RunEvent> emit)
        {
            if (state is null)
            {
                // Created on the first batch, on the stage's own thread, so a run that never starts allocates nothing.
                (state, step) = spec.Init();
                startStep = step;
                lastTapped = new long[spec.Taps.Count];
            }
            IReadOnlyList<KeyValuePair<string, double>> metrics;
            try
            {
                var current = state;
                state = default; // consumed: if the update throws, the half-updated state is never used again
                (state, metrics) = spec.Update(current, batch);
            }
            finally
            {
                (batch as IDisposable)?.Dispose();
            }
            step++;
            var trained = new MetricsEvent(step, "train", metrics);
            if (spec.FailOnNonFinite) ThrowIfNonFinite(trained);
            emit(trained);
            for (var i = 0; i < spec.Taps.Count; i++)
                if (step % spec.Taps[i].Period == 0) RunTap(i, emit);
        }

        public override void Complete(Action<RunEvent> emit)
        {
            if (own is null) CompleteHere(emit);
            else own.Run(() => CompleteHere(emit));
        }

        void CompleteHere(Action<RunEvent> emit)
        {
            if (state is null || step == startStep) return;
            for (var i = 0; i < spec.Taps.Count; i++)
                if (spec.Taps[i].AtEnd && lastTapped[i] != step) RunTap(i, emit);
        }

        void RunTap(int i, Action<RunEvent> emit)
        {
            lastTapped[i] = step;
            if (spec.Taps[i].Run(state!, step) is not { } output) return;
            if (spec.FailOnNonFinite && output is MetricsEvent m) ThrowIfNonFinite(m);
            emit(output);
        }

        void ThrowIfNonFinite(MetricsEvent e)
        {
            foreach (var (name, value) in e.Values)
                if (!double.IsFinite(value))
                    throw new NonFiniteMetricException(e.Phase, name, value, e.Step, lastFinite.GetValueOrDefault(e.Phase));
            lastFinite[e.Phase] = e;
        }

        public override void Dispose()
        {
            state?.Dispose();
            own?.Dispose();
            base.Dispose();
        }
    }
}

/// <summary>Factory for training stages.</summary>
public static class Train
{
    public static TrainStage<TBatch, TState> Stage<TBatch, TState>(
        string name,
        Func<TrainStart<TState>> init,
        Func<TState, TBatch, (TState, IReadOnlyList<KeyValuePair<string, double>>)> update) where TState : IDisposable =>
        new(name, init, update);
}
