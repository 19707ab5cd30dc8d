using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using Xunit;

namespace Pipeline.Properties.Dataflow;

/// <summary>
/// A training stage on a thread of its own (<c>--threads N</c> with N above 1): init, every update and every tap run on
/// that one thread, after its start action, with the same results as on the callers' threads; failures reach the run
/// as before, and the thread ends with the run.
/// </summary>
public class TrainerThreadTests
{
    sealed class Recorder : IDisposable
    {
        public readonly HashSet<int> Threads = [];
        public double Sum;
        public bool Disposed;
        public void Dispose() => Disposed = true;
    }

    static TrainStage<double, Recorder> Stage(Recorder recorder, Action? start) =>
        Train.Stage<double, Recorder>("trainer", () =>
            {
                recorder.Threads.Add(Environment.CurrentManagedThreadId);
                return new TrainStart<Recorder>(recorder, 0);
            }, (state, x) =>
            {
                state.Threads.Add(Environment.CurrentManagedThreadId);
                if (double.IsInfinity(x)) throw new InvalidOperationException("an update failed");
                state.Sum += x;
                return (state, [KeyValuePair.Create("sum", state.Sum)]);
            })
            .Every(3, (s, step) =>
            {
                s.Threads.Add(Environment.CurrentManagedThreadId);
                return new MetricsEvent(step, "eval", [KeyValuePair.Create("sum", s.Sum)]);
            }, atEnd: true) with { OwnThreadStart = start };

    static async Task<(RunResult Result, List<RunEvent> Events)> Run(Recorder recorder, Action? start, IEnumerable<double> inputs)
    {
        var events = new List<RunEvent>();
        // An async boundary: the callers are thread-pool threads that change from message to message.
        var result = await Graph.From(Source.From("inputs", () => inputs))
            .Via(Stage(recorder, start).ToStage().Async(capacity: 2))
            .To(Sink.ForEach<RunEvent>("collect", events.Add))
            .Run();
        return (result, events);
    }

    static IEnumerable<string> Metrics(List<RunEvent> events) =>
        events.OfType<MetricsEvent>().Select(e => $"{e.Step} {e.Phase} {string.Join(",", e.Values.Select(v => $"{v.Key}={v.Value}"))}");

    [Fact]
    public async Task Init_updates_and_taps_run_on_one_thread_after_its_start_with_the_same_results()
    {
        var startedOn = -1;
        var own = new Recorder();
        var (result, events) = await Run(own, () => startedOn = Environment.CurrentManagedThreadId, Enumerable.Repeat(1.5, 200));
        result.ThrowIfFailed();
        Assert.Equal([startedOn], own.Threads);

        var plain = new Recorder();
        var (plainResult, plainEvents) = await Run(plain, null, Enumerable.Repeat(1.5, 200));
        plainResult.ThrowIfFailed();
        Assert.Equal(Metrics(plainEvents), Metrics(events));
        Assert.DoesNotContain(startedOn, plain.Threads);
        Assert.True(own.Disposed && plain.Disposed);
    }

    [Fact]
    public async Task A_failing_update_on_the_trainer_thread_fails_the_run_naming_the_stage()
    {
        var recorder = new Recorder();
        var (result, _) = await Run(recorder, () => { }, [1, 2, double.PositiveInfinity, 4]);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("trainer", result.Failure!.Stage);
        Assert.Equal("an update failed", result.Failure.Error.Message);
    }

    [Fact]
    public void The_thread_runs_calls_in_order_rethrows_and_ends_when_disposed()
    {
        var order = new List<int>();
        var thread = new TrainerThread("test", () => order.Add(0));
        int? threadId = null;
        thread.Run(() => { order.Add(1); threadId = Environment.CurrentManagedThreadId; });
        var error = Assert.Throws<InvalidOperationException>(() => thread.Run(() => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", error.Message);
        thread.Run(() => order.Add(Environment.CurrentManagedThreadId == threadId ? 2 : -1));
        Assert.Equal([0, 1, 2], order);
        Assert.NotEqual(Environment.CurrentManagedThreadId, threadId);
        thread.Dispose();
        Assert.Throws<ObjectDisposedException>(() => thread.Run(() => { }));
        Assert.Throws<ArgumentException>(() => new TrainerThread("failing start", () => throw new ArgumentException("bad start")));
    }
}
