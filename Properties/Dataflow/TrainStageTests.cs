using Pipeline.Stages.Checkpoints;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Sinks;
using Pipeline.Stages.Training;
using Xunit;

namespace Pipeline.Properties.Dataflow;

public class TrainStageTests
{
    sealed class Counter : IDisposable
    {
        public double Value;
        public bool Disposed;
        public void Dispose() => Disposed = true;
    }

    static TrainStage<double, Counter> Summing(Counter counter) =>
        Train.Stage<double, Counter>("trainer", () => new TrainStart<Counter>(counter, 0), (state, x) =>
        {
            state.Value += x;
            return (state, [KeyValuePair.Create("loss", x), KeyValuePair.Create("sum", state.Value)]);
        });

    [Fact]
    public async Task A_NaN_loss_fails_the_run_naming_it_and_no_checkpoint_holds_the_diverged_state()
    {
        var directory = Directory.CreateTempSubdirectory("nan-").FullName;
        try
        {
            var store = new CheckpointStore(directory);
            var counter = new Counter();
            var inputs = Enumerable.Range(1, 20).Select(i => i == 13 ? double.NaN : 1.0);
            var result = await Graph.From(Source.From("inputs", () => inputs))
                .Via(Summing(counter).Every(4, (s, step) => new CheckpointEvent(step, BitConverter.GetBytes(s.Value)), atEnd: true).ToStage())
                .To(RunSinks.Checkpoints(store, "h"))
                .Run();
            Assert.Equal(RunStatus.Failed, result.Status);
            Assert.Equal("trainer", result.Failure!.Stage);
            Assert.IsType<NonFiniteMetricException>(result.Failure.Error);
            Assert.Contains("'loss' is NaN at step 13", result.Failure.Error.Message);
            Assert.Contains("last finite values (step 12): loss=1, sum=12", result.Failure.Error.Message);
            Assert.Equal(12, store.Latest()!.Step);
            Assert.True(counter.Disposed, "the training state is released when the run ends");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Taps_run_on_their_period_and_at_the_end_once()
    {
        var events = new List<RunEvent>();
        (await Graph.From(Source.From("inputs", () => Enumerable.Repeat(1.0, 10)))
            .Via(Summing(new Counter())
                .Every(4, (s, step) => new MetricsEvent(step, "eval", [KeyValuePair.Create("sum", s.Value)]), atEnd: true)
                .Every(5, (s, step) => new CheckpointEvent(step, []), atEnd: true).ToStage())
            .To(Sink.ForEach<RunEvent>("collect", events.Add))
            .Run()).ThrowIfFailed();
        Assert.Equal([4L, 8L, 10L], events.OfType<MetricsEvent>().Where(e => e.Phase == "eval").Select(e => e.Step));
        Assert.Equal([5L, 10L], events.OfType<CheckpointEvent>().Select(e => e.Step));
        Assert.Equal(10.0, events.OfType<MetricsEvent>().Last(e => e.Phase == "eval").Values[0].Value);
    }

    [Fact]
    public async Task A_conditional_tap_with_period_zero_is_off_and_with_a_positive_period_runs_as_every()
    {
        var events = new List<RunEvent>();
        (await Graph.From(Source.From("inputs", () => Enumerable.Repeat(1.0, 10)))
            .Via(Summing(new Counter())
                .EveryIf(0, (s, step) => new MetricsEvent(step, "off", [KeyValuePair.Create("sum", s.Value)]), atEnd: true)
                .EveryIf(3, (s, step) => new MetricsEvent(step, "eval", [KeyValuePair.Create("sum", s.Value)]), atEnd: true).ToStage())
            .To(Sink.ForEach<RunEvent>("collect", events.Add))
            .Run()).ThrowIfFailed();
        Assert.DoesNotContain(events.OfType<MetricsEvent>(), e => e.Phase == "off");
        Assert.Equal([3L, 6L, 9L, 10L], events.OfType<MetricsEvent>().Where(e => e.Phase == "eval").Select(e => e.Step));
    }
}
