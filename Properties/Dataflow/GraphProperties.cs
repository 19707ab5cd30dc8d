using FsCheck.Xunit;
using Pipeline.Stages.Graph;
using Xunit;

namespace Pipeline.Properties.Dataflow;

/// <summary>The graph runtime delivers every message exactly once, in order where it promises order, and ends cleanly.</summary>
public class GraphProperties
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    static RunResult RunWithin(RunnableGraph graph, RunOptions? options = null, CancellationToken cancellation = default)
    {
        var run = graph.Run(options, cancellation);
        Assert.True(run.Wait(Bound), $"the run did not end within {Bound}");
        return run.Result;
    }

    /// <summary>A chain of 1-3 stages, each fused or behind a boundary of random capacity and parallelism.</summary>
    static Flow<int> Chain(Flow<int> flow, int stages, int capacity, int parallelism, bool[] async)
    {
        for (var i = 0; i < stages; i++)
        {
            var k = i;
            var stage = Stage.Map($"plus-{k}", (int x) => x + 1);
            flow = flow.Via(async[k] ? stage.Async(capacity, parallelism) : stage);
        }
        return flow;
    }

    [Property(MaxTest = 60)]
    public bool No_message_is_lost_or_duplicated_and_order_is_kept_with_one_worker(byte count, byte capacity, byte parallelism, byte stages, bool a0, bool a1, bool a2)
    {
        var (n, cap, par, st) = (count * 3, 1 + capacity % 8, 1 + parallelism % 4, 1 + stages % 3);
        var received = new List<int>();
        var graph = Chain(Graph.From(Source.From("numbers", () => Enumerable.Range(0, n))), st, cap, par, [a0, a1, a2])
            .To(Sink.ForEach<int>("collect", received.Add, capacity: cap));
        var result = RunWithin(graph, new RunOptions(DefaultCapacity: cap));
        var expected = Enumerable.Range(st, n).ToList();
        var inOrder = par == 1 || !(a0 || a1 || a2);
        return result.Status == RunStatus.Completed
            && received.Order().SequenceEqual(expected)
            && (!inOrder || received.SequenceEqual(expected));
    }

    [Property(MaxTest = 40)]
    public bool Merge_delivers_every_message_of_every_source_and_completes_after_all(byte sources, byte c0, byte c1, byte c2, byte c3)
    {
        var counts = new[] { c0, c1, c2, c3 }.Take(1 + sources % 4).Select(c => (int)c).ToArray();
        var flows = counts.Select((c, i) => Graph.From(Source.From($"s{i}", () => Enumerable.Range(0, c).Select(x => (i, x))))).ToArray();
        var received = new List<(int, int)>();
        var result = RunWithin(Graph.Merge(flows).To(Sink.ForEach<(int, int)>("collect", received.Add)));
        var expected = counts.SelectMany((c, i) => Enumerable.Range(0, c).Select(x => (i, x)));
        // Each source's own order survives the merge.
        var perSourceOrdered = received.GroupBy(r => r.Item1).All(g => g.Select(r => r.Item2).SequenceEqual(Enumerable.Range(0, g.Count())));
        return result.Status == RunStatus.Completed && received.Order().SequenceEqual(expected.Order()) && perSourceOrdered;
    }

    [Property(MaxTest = 40)]
    public bool Broadcast_gives_every_sink_every_message(byte count, byte sinks, byte capacity)
    {
        var k = 1 + sinks % 4;
        var logs = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        var graph = Graph.From(Source.From("numbers", () => Enumerable.Range(0, count)))
            .To(logs.Select((log, i) => Sink.ForEach<int>($"sink{i}", log.Add, capacity: 1 + capacity % 5)).ToArray());
        var result = RunWithin(graph);
        return result.Status == RunStatus.Completed && logs.All(l => l.SequenceEqual(Enumerable.Range(0, count)));
    }

    [Property(MaxTest = 50)]
    public bool A_fault_at_a_random_stage_and_step_ends_the_run_with_that_error_and_flushed_sinks(byte stages, byte failingStage, byte failAt, byte capacity, bool async)
    {
        var st = 1 + stages % 3;
        var bad = failingStage % st;
        var at = failAt % 50;
        var flow = Graph.From(Source.From("numbers", () => Enumerable.Range(0, 1000)));
        for (var i = 0; i < st; i++)
        {
            var k = i;
            var stage = Stage.Map($"stage-{k}", (int x) => k == bad && x == at ? throw new InvalidDataException($"boom at {x}") : x);
            flow = flow.Via(async ? stage.Async(1 + capacity % 4) : stage);
        }
        var received = new List<int>();
        var closed = false;
        var result = RunWithin(flow.To(Sink.ForEach<int>("collect", received.Add, () => closed = true)));
        // Sinks write everything that reached them, in order, and nothing after the failing message. Fused
        // stages deliver every earlier message; behind async boundaries, stages drop what they still hold.
        var expected = Enumerable.Range(0, at).ToList();
        return result.Status == RunStatus.Failed
            && result.Failure!.Stage == $"stage-{bad}"
            && result.Failure.Error is InvalidDataException e && e.Message == $"boom at {at}"
            && closed
            && (async ? received.SequenceEqual(expected.Take(received.Count)) : received.SequenceEqual(expected));
    }

    [Fact]
    public void A_failing_sink_stops_the_run_and_the_other_sinks_still_close()
    {
        var closedOther = false;
        var other = new List<int>();
        var graph = Graph.From(Source.From("numbers", () => Enumerable.Range(0, 100_000)))
            .To(Sink.ForEach<int>("bad", x => { if (x == 10) throw new IOException("disk full"); }),
                Sink.ForEach<int>("good", other.Add, () => closedOther = true));
        var result = RunWithin(graph);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal("bad", result.Failure!.Stage);
        Assert.True(closedOther);
        Assert.True(other.Count < 100_000, "the source should have stopped early");
        Assert.Throws<StageFailedException>(() => result.ThrowIfFailed());
    }

    [Property(MaxTest = 20)]
    public bool Cancellation_stops_an_endless_source_cleanly_and_stages_finish(byte cancelAfter, bool async)
    {
        using var cancel = new CancellationTokenSource();
        var limit = 1 + cancelAfter;
        var completed = false;
        var received = new List<long>();
        var counting = Stage.Of<long, long>("counting", () => new Passthrough(() => completed = true));
        var graph = Graph.From(Source.From("endless", Endless))
            .Via(async ? counting.Async(2) : counting)
            .To(Sink.ForEach<long>("collect", x =>
            {
                received.Add(x);
                if (received.Count == limit) cancel.Cancel();
            }));
        var result = RunWithin(graph, cancellation: cancel.Token);
        return result.Status == RunStatus.Stopped && completed && received.Count >= limit
            && received.SequenceEqual(Enumerable.Range(0, received.Count).Select(i => (long)i));
    }

    static IEnumerable<long> Endless()
    {
        for (var i = 0L; ; i++) yield return i;
    }

    sealed class Passthrough(Action onComplete) : Processor<long, long>
    {
        public override void Process(long input, Action<long> emit) => emit(input);
        public override void Complete(Action<long> emit) => onComplete();
    }

    [Fact]
    public void A_stateful_stage_refuses_several_workers()
    {
        var stateful = Stage.Of<int, int>("stateful", () => new Counter());
        var error = Assert.Throws<ArgumentException>(() => stateful.Async(4, parallelism: 2));
        Assert.Contains("stateful", error.Message);
    }

    sealed class Counter : Processor<int, int>
    {
        int n;
        public override void Process(int input, Action<int> emit) => emit(n++);
    }

    [Fact]
    public void A_blueprint_runs_again_from_scratch()
    {
        var counts = new List<int>();
        var graph = Graph.From(Source.From("numbers", () => Enumerable.Range(0, 10)))
            .Via(Stage.Of<int, int>("counter", () => new Counter()))
            .To(Sink.ForEach<int>("collect", counts.Add));
        RunWithin(graph);
        RunWithin(graph);
        Assert.Equal(Enumerable.Range(0, 10).Concat(Enumerable.Range(0, 10)), counts);
    }

    [Fact]
    public void Disposable_messages_dropped_after_a_fault_are_disposed()
    {
        var created = new List<Tracked>();
        var graph = Graph.From(Source.From("tracked", () => Enumerable.Range(0, 50).Select(i =>
            {
                var t = new Tracked(i);
                lock (created) created.Add(t);
                return t;
            })))
            .Via(Stage.Map("fail-at-5", (Tracked t) => t.Id == 5 ? throw new InvalidOperationException("boom") : t).Async(8))
            .To(Sink.ForEach<Tracked>("consume", t => t.Dispose()));
        var result = RunWithin(graph);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.All(created.Where(t => t.Id != 5), t => Assert.True(t.Disposed, $"message {t.Id} leaked"));
    }

    sealed class Tracked(int id) : IDisposable
    {
        public int Id { get; } = id;
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }
}
