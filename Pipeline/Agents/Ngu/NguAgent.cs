using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Recipes;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Parameters;
using Pipeline.Stages.Replay;
using Pipeline.Stages.Training;
using TorchSharp;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// The NGU/R2D2 agent as one graph (ARCHITECTURE.md, the reinforcement-learning shape):
/// actor groups (vectorised environments) -> central batched inference -> actor groups -> sequence adders -> replay writer
/// (prioritized table, rate limiter); replay samples -> learner (<see cref="NguLearner"/>) -> priorities back to the table
/// and versioned parameter snapshots to a store the inference server reads. The learner's steps are the run's steps;
/// when they are done the actors stop. Emits the learner's metrics ("train") and the actors' episode statistics ("actors").
/// </summary>
public static class NguAgent
{
    public static Flow<RunEvent> Build(NguConfig algorithm, NguAgentConfig agent, RunPlan plan)
    {
        var config = WithEnvironmentSpec(algorithm, agent);
        var device = Devices.Resolve(config.Device);
        var layout = NguSequences.Layout(config);
        var table = new ReplayTable(new TableOptions(layout.Items, agent.ReplayCapacity, Sampler.Prioritized(agent.PriorityExponent),
            RateLimiterOptions.SampleToInsertRatio(agent.SamplesPerInsert, agent.MinReplay, agent.RateErrorBuffer),
            ImportanceExponent: agent.ImportanceExponent, Seed: plan.Seed).Validate());
        var store = plan.Own(new ParameterStore<ParameterSnapshot>());
        var learnerDone = plan.Own(new CancellationTokenSource());
        var updates = new long[1];
        var priorities = new RecentMaximum(agent.PriorityWindow);
        var actors = Source.From<RunEvent>("actors", cancellation => Act(config, agent, plan.Seed, layout, table, store, device, updates, priorities, learnerDone.Token, cancellation));
        var samples = table.Samples(BatchPool.Samples(layout.Items, config.BatchSize), plan.LastStep - plan.StartStep)
            .OnCompleted(learnerDone.CancelAsync);
        var learner = Graph.From(samples)
            .Via(Stage.Map("sequences to tensors", (SampleBatch sample) =>
            {
                using (sample) return (Batch: NguSequences.ToBatch(config, layout, sample, device), Keys: sample.Keys[..sample.Count]);
            }))
            .Via<RunEvent>(Train.Stage<(SequenceBatch Batch, long[] Keys), NguLearnerState>("learner",
                    () => plan.Resume is { } payload
                        ? new TrainStart<NguLearnerState>(NguLearner.Load(config, payload, device), plan.StartStep)
                        : new TrainStart<NguLearnerState>(NguLearner.Init(config, plan.Seed, device), 0),
                    (state, item) =>
                    {
                        using var batch = item.Batch;
                        var step = NguLearner.Update(state, batch);
                        table.UpdatePriorities(item.Keys, state.Priorities);
                        priorities.Add(state.Priorities.Max());
                        if (state.Updates % agent.PublishPeriod == 0) store.Publish(state.Online.Snapshot(state.Updates), state.Updates);
                        Interlocked.Exchange(ref updates[0], state.Updates);
                        return (step.State, step.Metrics);
                    })
                .Every(plan.Settings.CheckpointEvery, (state, step) => new CheckpointEvent(step, NguLearner.Save(state)), atEnd: true)
                .ToStage());
        return Graph.Merge(Graph.From(actors), learner);
    }

    /// <summary>The config with the environment's observation shape and action count.</summary>
    public static NguConfig WithEnvironmentSpec(NguConfig config, NguAgentConfig agent)
    {
        var probe = agent.CreateEnvironment(1, 0);
        return config with { Spec = new NguSpec(probe.ObservationShape, probe.ActionCount) };
    }

    static async IAsyncEnumerable<RunEvent> Act(NguConfig config, NguAgentConfig agent, int seed, SequenceLayout layout, ReplayTable table,
        ParameterStore<ParameterSnapshot> store, torch.Device device, long[] updates, RecentMaximum priorities, CancellationToken learnerDone,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(learnerDone, cancellation);
        var events = Channel.CreateUnbounded<RunEvent>();
        var report = new EpisodeReport(agent.EpisodesPerReport);
        var distinct = agent.CountDistinctObservations ? new DistinctObservations() : null;
        using var inference = new InferenceServer(config, agent, store, seed, device);
        var writer = table.Writer(capacity: 2 * agent.ActorGroups, cancellation: both.Token);
        var pool = BatchPool.Items(layout.Items, 16);
        var groups = Enumerable.Range(0, agent.ActorGroups).Select(g =>
        {
            var first = g * agent.Copies / agent.ActorGroups;
            var count = (g + 1) * agent.Copies / agent.ActorGroups - first;
            return new ActorGroup(config, agent.CreateEnvironment(count, first), first, layout, pool, inference, writer, episode =>
            {
                if (report.Add(episode) is { } values)
                    events.Writer.TryWrite(new MetricsEvent(Interlocked.Read(ref updates[0]), "actors",
                        [.. values, new("intrinsic_mean", inference.TakeMeanIntrinsic()), new("replay_size", table.Size),
                            new("parameter_version", inference.Version), new("env_steps", inference.Forwarded),
                            .. (distinct is null ? [] : new KeyValuePair<string, double>[] { new("distinct_observations", distinct.Count) })]));
            }, () => priorities.Value, distinct);
        }).ToArray();
        var running = groups.Select((g, i) => Task.Run(() => g.RunAsync((ulong)seed * 7919 + (ulong)i, both.Token))).ToArray();
        var all = Task.WhenAll(running).ContinueWith(t => events.Writer.TryComplete(t.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException)),
            TaskScheduler.Default);
        await foreach (var e in events.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false)) yield return e;
        await all.ConfigureAwait(false);
        writer.Complete();
    }
}
