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
        if (Problems(algorithm, agent).ToList() is { Count: > 0 } problems) throw new ArgumentException(string.Join("; ", problems));
        var config = WithEnvironmentSpec(algorithm, agent);
        var device = Devices.Resolve(config.Device);
        var layout = NguSequences.Layout(config);
        var table = NguReplay.Create(config, agent, layout, plan);
        var store = plan.Own(new ParameterStore<ParameterSnapshot>());
        var learnerDone = plan.Own(new CancellationTokenSource());
        var updates = new[] { plan.StartStep }; // actor metrics are tagged with the learner's updates; a resumed run starts at its checkpoint
        var priorities = new RecentMaximum(agent.PriorityWindow);
        // The local actors' inference server, or the statistics the actor hosts on a cluster's silos last reported: the
        // life-long reward statistics each checkpoint carries and a resumed run's actors continue from.
        var server = new InferenceServer?[1];
        var hostStatistics = new ActorStatistics?[1];
        ActorStatistics? Statistics() => Volatile.Read(ref server[0])?.Statistics() ?? Volatile.Read(ref hostStatistics[0]);
        var resumedStatistics = plan.Resume is { } saved ? PublishResumed(config, agent, saved, store, table, priorities, device) : null;
        var actors = plan.Cluster is { ActorsOnSilos: true } cluster
            ? Source.From<RunEvent>("actor hosts", cancellation => NguActorHosts.Run(cluster, agent, config.Policies, plan.Seed, updates, table,
                resumedStatistics, reported => Volatile.Write(ref hostStatistics[0], reported), learnerDone.Token, cancellation))
            : Source.From<RunEvent>("actors", cancellation => Act(config, agent, plan.Seed, layout, table, store, device, updates, priorities, server, resumedStatistics,
                learnerDone.Token, cancellation));
        var samples = table.Samples(BatchPool.Samples(layout.Items, config.BatchSize), plan.LastStep - plan.StartStep)
            .OnCompleted(learnerDone.CancelAsync);
        var learner = Graph.From(samples)
            .Via(Stage.Map("sequences to tensors", (SampleBatch sample) =>
            {
                using (sample)
                {
                    if (sample.Count != config.BatchSize)
                        throw new InvalidOperationException($"the learner's batch holds {sample.Count} sequences, not batch-size {config.BatchSize}");
                    return (Batch: NguSequences.ToBatch(config, layout, sample, device), Keys: sample.Keys[..sample.Count]);
                }
            }))
            .Via<RunEvent>(Train.Stage<(SequenceBatch Batch, long[] Keys), NguLearnerState>("learner",
                    () => plan.Resume is { } payload
                        ? new TrainStart<NguLearnerState>(NguLearner.Load(config, payload, device), plan.StartStep)
                        : new TrainStart<NguLearnerState>(FreshLearner(config, plan.Seed, device, table), 0),
                    (state, item) =>
                    {
                        using var batch = item.Batch;
                        var step = NguLearner.Update(state, batch);
                        table.UpdatePriorities(item.Keys, state.Priorities);
                        priorities.Add(state.Priorities.Max());
                        if (state.Updates % agent.PublishPeriod == 0)
                        {
                            var snapshot = state.Online.Snapshot(state.Updates);
                            table.Published(snapshot, priorities.Value);
                            store.Publish(snapshot, state.Updates);
                        }
                        Interlocked.Exchange(ref updates[0], state.Updates);
                        return (step.State, step.Metrics);
                    })
                // Evaluations come before the checkpoint of the same step, so a run resumed from it never lacks that evaluation.
                .EveryIf(agent.EvaluateEvery, (state, step) => new MetricsEvent(step, "eval",
                    AgentEvaluation.Run(config, agent, state, agent.EvaluationCopies, agent.EvaluationEpisodes, agent.EvaluationEpsilon,
                        EvaluationSeed(plan.Seed), device, Statistics()).Metrics()), atEnd: true)
                .Every(plan.Settings.CheckpointEvery, (state, step) =>
                {
                    table.Checkpoint();
                    var statistics = Statistics();
                    return new CheckpointEvent(step, NguLearner.Save(state, statistics is null ? null : statistics.Write));
                }, atEnd: true)
                .ToStage());
        return Graph.Merge(Graph.From(actors), learner);
    }

    /// <summary>Settings valid alone but not together (the recipe reports them before any work; <see cref="Build"/> refuses them).</summary>
    public static IEnumerable<string> Problems(NguConfig config, NguAgentConfig agent)
    {
        // The learner waits for whole batches; a band narrower than one batch would wait for ever.
        if (2 * agent.RateErrorBuffer < config.BatchSize)
            yield return $"rate-error-buffer ({agent.RateErrorBuffer}) must be at least half of batch-size ({config.BatchSize}): the learner samples whole batches";
        if (agent.Copies < config.Policies)
            yield return $"copies ({agent.Copies}) must be at least policies ({config.Policies}): copy i acts with policy i mod N, so policies {agent.Copies} to {config.Policies - 1} would never act";
        // A sequence that ends mid-episode trains its steps from burn-in to the next-to-last: the burn-in only warms up
        // the LSTM and the last step only bootstraps. The next sequence starts replay-period steps later and must train
        // from there on, or the steps between are never trained. Sequences that start an episode train from step 0.
        var covered = config.SequenceLength - config.BurnIn - 1;
        if (agent.LongestEpisode > config.SequenceLength && config.ReplayPeriod > covered)
            yield return $"replay-period ({config.ReplayPeriod}) must be at most sequence-length - burn-in - 1 = {covered} in episodes longer than a sequence " +
                $"({agent.Environment}'s last up to {agent.LongestEpisode} steps): otherwise {config.ReplayPeriod - covered} step(s) of every {config.ReplayPeriod} " +
                $"are never trained (a sequence's burn-in only warms up the LSTM and its last step only bootstraps); " +
                $"set sequence-length={config.ReplayPeriod + config.BurnIn + 1} or lower replay-period";
    }

    /// <summary>
    /// A resumed run's actors act with the checkpoint's networks from their first step, not with the seed's initial
    /// weights until the learner's first publish (which waits for a refilled replay); returns the checkpoint's life-long
    /// reward statistics for the actors (null when the checkpoint has none).
    /// </summary>
    static ActorStatistics? PublishResumed(NguConfig config, NguAgentConfig agent, byte[] payload, ParameterStore<ParameterSnapshot> store, NguReplay table,
        RecentMaximum priorities, torch.Device device)
    {
        ActorStatistics? statistics = null;
        using var resumed = NguLearner.Load(config, payload, device, archive => statistics = ActorStatistics.TryRead(archive, agent.Copies));
        var snapshot = resumed.Online.Snapshot(resumed.Updates);
        table.Published(snapshot, priorities.Value);
        store.Publish(snapshot, resumed.Updates);
        return statistics;
    }

    /// <summary>Every evaluation of a run plays the same fresh episodes, so its curve follows the policy, not the draw of mazes.</summary>
    static ulong EvaluationSeed(int runSeed) => unchecked((ulong)runSeed * 0x9E3779B97F4A7C15UL + 0xE7A1UL);

    /// <summary>A new learner, or on a cluster one that continues from the run's last published parameters.</summary>
    static NguLearnerState FreshLearner(NguConfig config, int seed, torch.Device device, NguReplay replay)
    {
        using var published = replay.LatestPublished(device);
        return published is null ? NguLearner.Init(config, seed, device) : NguLearner.FromSnapshot(config, seed, device, published);
    }

    /// <summary>The config with the environment's observation shape and action count.</summary>
    public static NguConfig WithEnvironmentSpec(NguConfig config, NguAgentConfig agent)
    {
        var probe = agent.CreateEnvironment(1, 0);
        return config with { Spec = new NguSpec(probe.ObservationShape, probe.ActionCount, probe.ByteObservations) };
    }

    static async IAsyncEnumerable<RunEvent> Act(NguConfig config, NguAgentConfig agent, int seed, SequenceLayout layout, NguReplay table,
        ParameterStore<ParameterSnapshot> store, torch.Device device, long[] updates, RecentMaximum priorities, InferenceServer?[] server,
        ActorStatistics? resumed, CancellationToken learnerDone, [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(learnerDone, cancellation);
        var events = Channel.CreateUnbounded<RunEvent>();
        var report = new EpisodeReport(agent.EpisodesPerReport, config.Policies);
        var distinct = agent.CountDistinctObservations ? new DistinctObservations() : null;
        using var inference = new InferenceServer(config, agent, store, seed, device, resumed: resumed);
        Volatile.Write(ref server[0], inference);
        var writer = table.Writer(2 * agent.ActorGroups, both.Token);
        var running = NguActors.Start(config, agent, seed, layout, inference, writer, 0, agent.Copies, episode =>
        {
            if (report.Add(episode) is { } values)
                events.Writer.TryWrite(new MetricsEvent(Interlocked.Read(ref updates[0]), "actors",
                    [.. values, new("intrinsic_mean", inference.TakeMeanIntrinsic()), new("replay_size", table.Size),
                        new("parameter_version", inference.Version), new("env_steps", inference.Forwarded), .. table.Metrics(),
                        .. (distinct is null ? [] : new KeyValuePair<string, double>[] { new("distinct_observations", distinct.Count) }),
                        .. (config.Intrinsic != NguConfig.Learned ? [] : new KeyValuePair<string, double>[]
                        {
                            new("embedding_versions", inference.EmbeddingVersions), new("embedding_refreshes_deferred", inference.EmbeddingRefreshesDeferred),
                        })]));
        }, () => priorities.Value, distinct, both.Token);
        var all = Task.WhenAll(running).ContinueWith(t => events.Writer.TryComplete(t.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException)),
            TaskScheduler.Default);
        await foreach (var e in events.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false)) yield return e;
        await all.ConfigureAwait(false);
        writer.Complete();
    }
}
