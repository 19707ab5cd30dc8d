using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Ngu;
using Pipeline.Cluster;
using Pipeline.Cluster.Client;
using Pipeline.Cluster.Grains;
using Pipeline.Environments.Control;
using Pipeline.Recipes;
using Pipeline.Stages.Parameters;
using Pipeline.Stages.Replay;
using Pipeline.Stages.Training;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// An NGU actor host on a silo. The actors run on thread-pool tasks, outside the grain's turns (the grain only starts,
/// reports and stops them); parameters come from the run's parameter server, polled every 100 ms; sequences go to the
/// run's replay shards with bounded in-flight calls.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class ActorHostGrain : Grain, IActorHost
{
    readonly object gate = new();
    readonly List<EpisodeSummary> finished = [];
    ActorAssignment? assignment;
    CancellationTokenSource? stop;
    Task? running;
    InferenceServer? inference;
    ShardedReplay? replay;
    string? failure;
    double insertPriority = 1;
    long lastContact = Environment.TickCount64;

    /// <summary>
    /// Actors stop when the learner has not asked for 60 s: a learner that died, or an activation the cluster has
    /// replaced by another (after a silo's death the directory may point elsewhere) must not keep acting forever.
    /// </summary>
    static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    void Touch() => Interlocked.Exchange(ref lastContact, Environment.TickCount64);

    public async Task<string> Start(ActorAssignment wanted)
    {
        Touch();
        if (wanted.Protocol != ClusterProtocol.Version)
            throw new InvalidOperationException($"actor host on {RuntimeIdentity} speaks cluster protocol {ClusterProtocol.Version}; the learner speaks {wanted.Protocol}");
        if (assignment is not null)
            return assignment == wanted || Same(assignment, wanted) ? RuntimeIdentity
                : throw new InvalidOperationException($"actor host '{this.GetPrimaryKeyString()}' on {RuntimeIdentity} already runs copies {assignment.FirstCopy}.. of {assignment.RunName}");
        var recipe = RecipeRegistry.Find(wanted.Recipe) ?? throw new ArgumentException($"actor host on {RuntimeIdentity}: no recipe '{wanted.Recipe}'");
        var prepared = recipe.Prepare(wanted.Assignments, wanted.Seed, wanted.Steps)
            .IfFail(errors => throw new ArgumentException($"actor host on {RuntimeIdentity}: {string.Join("; ", errors.Select(e => e.Message))}"));
        if (prepared.Config is not NguConfig algorithm || prepared.Data is not NguAgentConfig agent)
            throw new ArgumentException($"actor host on {RuntimeIdentity}: recipe '{wanted.Recipe}' is not an NGU recipe");
        var config = NguAgent.WithEnvironmentSpec(algorithm, agent);
        var device = Devices.Resolve(config.Device);
        var layout = NguSequences.Layout(config);
        var grains = GrainFactory;
        replay = await NguReplay.Connect(grains, agent, layout, wanted.RunName, wanted.Shards, wanted.Seed, wanted.CheckpointDirectory);
        assignment = wanted;
        stop = new CancellationTokenSource();
        var token = stop.Token;
        var sharded = replay;
        var host = RuntimeIdentity;
        // Off the grain's scheduler: the actors and the parameter poller are ordinary tasks.
        running = Task.Run(() => RunActors(config, agent, wanted, layout, device, grains, sharded, token), CancellationToken.None)
            .ContinueWith(t =>
            {
                if (t.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) is { } e)
                    lock (gate) failure = $"actors on {host} failed: {e.GetType().Name}: {e.Message}";
            }, TaskScheduler.Default);
        return RuntimeIdentity;
    }

    async Task RunActors(NguConfig config, NguAgentConfig agent, ActorAssignment a, SequenceLayout layout, TorchSharp.torch.Device device,
        IGrainFactory grains, ShardedReplay sharded, CancellationToken token)
    {
        using var store = new ParameterStore<ParameterSnapshot>();
        var server = grains.GetGrain<IParameterServer>(a.RunName);
        using var actors = new InferenceServer(config, agent, store, a.Seed, device, a.FirstCopy, a.Copies,
            a.Resumed is { } resumed ? ActorStatistics.FromWire(resumed) : null);
        lock (gate) inference = actors;
        var writer = sharded.Writer(token);
        var poll = Task.Run(async () =>
        {
            var (epoch, known) = (Guid.Empty, -1L);
            while (!token.IsCancellationRequested)
            {
                try
                {
                    if (await server.ReadIfNewer(epoch, known) is { } data)
                    {
                        // The local store's versions only go up: a restarted learner's lower versions take the next number.
                        store.Publish(NguReplay.ToSnapshot(data, device), Math.Max(data.Version, store.Version + 1));
                        (epoch, known) = (data.Epoch, data.Version);
                        Volatile.Write(ref insertPriority, data.InsertPriority);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The parameter server's silo died: its next activation gets the learner's next snapshot. Keep acting.
                }
                await Task.Delay(100, token);
            }
        }, CancellationToken.None);
        var lease = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(1000, token);
                if (Environment.TickCount64 - Interlocked.Read(ref lastContact) > Lease.TotalMilliseconds)
                {
                    lock (gate) failure = $"actors on {a.RunName} copies {a.FirstCopy}.. stopped: no word from the learner for {Lease.TotalSeconds:0} s";
                    stop?.Cancel();
                }
            }
        }, CancellationToken.None);
        var groups = NguActors.Start(config, agent, a.Seed, layout, actors, writer, a.FirstCopy, a.Copies, episode =>
        {
            lock (gate) finished.Add(episode);
        }, () => Volatile.Read(ref insertPriority), null, token);
        try
        {
            await Task.WhenAll(groups); // they end when stopped, or fail (a writer that stopped accepting fails them)
        }
        finally
        {
            stop?.Cancel();
            try { await Task.WhenAll(poll, lease); }
            catch (OperationCanceledException) { }
            writer.Complete();
            try { await writer.Completion; }
            catch (OperationCanceledException) { }
            lock (gate) inference = null;
        }
    }

    public Task<ActorProgress> TakeProgress()
    {
        Touch();
        // Outside the gate: the statistics take the inference server's reward lock, and an episode's end takes the gate.
        InferenceServer? server;
        lock (gate) server = inference;
        var statistics = server?.Statistics().ToWire();
        lock (gate)
        {
            var progress = new ActorProgress(RuntimeIdentity, running is { IsCompleted: false }, failure, inference?.Forwarded ?? 0, inference?.Version ?? -1,
                [.. finished.Select(e => e.Return)], [.. finished.Select(e => e.Length)], [.. finished.Select(e => e.VisitedFraction)],
                [.. finished.Select(e => e.Solved)], inference?.TakeMeanIntrinsic() ?? 0, replay?.Accounting.Lost ?? 0, replay?.Accounting.ShardRestarts ?? 0,
                [.. finished.Select(e => e.Copy)], statistics);
            finished.Clear();
            return Task.FromResult(progress);
        }
    }

    public async Task<ActorProgress> Stop()
    {
        stop?.Cancel();
        if (running is not null) await running.WaitAsync(TimeSpan.FromSeconds(30));
        var last = await TakeProgress();
        DeactivateOnIdle();
        return last;
    }

    /// <summary>A deactivated host (its silo shutting down, say) stops its actors rather than leaving them orphaned.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        stop?.Cancel();
        if (running is not null)
        {
            try { await running.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken); }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        }
        if (running is null || running.IsCompleted) stop?.Dispose(); // still running: its loops may still cancel it
    }

    // The statistics a host starts from matter only at its start; a repeated start may carry newer ones.
    static bool Same(ActorAssignment a, ActorAssignment b) =>
        a with { Assignments = [], Resumed = null } == b with { Assignments = [], Resumed = null } && a.Assignments.SequenceEqual(b.Assignments);
}
