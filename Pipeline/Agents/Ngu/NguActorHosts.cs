using System.Runtime.CompilerServices;
using System.Text;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Pipeline.Cluster.Grains;
using Pipeline.Environments.Control;
using Pipeline.Runs;
using Pipeline.Stages.Training;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// The actors of a clustered run: one <see cref="IActorHost"/> per active silo, each placed on its silo with Orleans'
/// placement hint and given an equal share of the copies. Every 500 ms their finished episodes are gathered into one
/// <see cref="EpisodeReport"/>, so the "actors" metrics mean the same as in one process, and their life-long reward
/// statistics into one <see cref="ActorStatistics"/> for the run's checkpoints (a resumed run's hosts start from the
/// checkpoint's, a host restarted on another silo from the latest). When the learner is done the hosts are stopped; a
/// host that fails ends the run with its error.
/// </summary>
public static class NguActorHosts
{
    static readonly ActorProgress Idle = new("", false, null, 0, -1, [], [], [], [], 0, 0, 0, []);

    static (long, long, int) Add((long EnvSteps, long Lost, int ShardRestarts) sum, ActorProgress p) =>
        (sum.EnvSteps + p.EnvSteps, sum.Lost + p.ReplayLost, sum.ShardRestarts + p.ShardRestarts);

    /// <summary>
    /// What one of <paramref name="hosts"/> starts from: the run's statistics with its share of RND's error count, so the
    /// merged count goes on from the run's rather than growing by the number of hosts at every resume.
    /// </summary>
    static RewardStatistics ForHost(ActorStatistics run, int hosts) => (run with { RndCount = (run.RndCount + hosts - 1) / hosts }).ToWire();

    /// <param name="resumed">the statistics the hosts start from (a resumed run's checkpoint); null: afresh.</param>
    /// <param name="statistics">receives the run's statistics, merged from the hosts' latest reports, after every poll.</param>
    public static async IAsyncEnumerable<RunEvent> Run(ClusterDeployment cluster, NguAgentConfig agent, int policies, int seed, long[] updates, NguReplay replay,
        ActorStatistics? resumed, Action<ActorStatistics> statistics, CancellationToken learnerDone, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var silos = (await cluster.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false)).Keys
            .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        var count = Math.Min(silos.Length, agent.Copies);
        var hosts = new IActorHost[count];
        var assignments = new ActorAssignment[count];
        var placed = new string[count];
        var ranges = new (int First, int Copies)[count];
        // Each host's latest statistics; until it reports, what it started from.
        var parts = new ActorStatistics?[count];
        var merged = resumed;
        for (var i = 0; i < count; i++)
        {
            var first = i * agent.Copies / count;
            var copies = (i + 1) * agent.Copies / count - first;
            ranges[i] = (first, copies);
            parts[i] = resumed;
            hosts[i] = cluster.Grains.GetGrain<IActorHost>($"{cluster.RunName}/actors-{i}");
            assignments[i] = new ActorAssignment(cluster.Recipe, [.. cluster.Assignments], seed, cluster.Steps, cluster.RunName,
                cluster.Shards, first, copies, cluster.CheckpointDirectory, Resumed: resumed is null ? null : ForHost(resumed, count));
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silos[i]);
            try
            {
                placed[i] = await hosts[i].Start(assignments[i]).ConfigureAwait(false);
            }
            finally
            {
                RequestContext.Clear();
            }
        }
        yield return new FileEvent(0, "actor-hosts.txt", Encoding.UTF8.GetBytes(string.Join("\n",
            placed.Select((silo, i) => $"{cluster.RunName}/actors-{i} copies {i * agent.Copies / count}..{(i + 1) * agent.Copies / count - 1} on {silo}")) + "\n"));

        var report = new EpisodeReport(agent.EpisodesPerReport, policies);
        var progress = new ActorProgress[count];
        var unreachableSince = new DateTime?[count];
        var lastOfDead = new (long EnvSteps, long Lost, int ShardRestarts)[count];
        var restarts = 0;

        // A host whose silo died cannot answer; once the cluster has declared the silo dead the same grain starts on a
        // live silo (its copies begin new episodes). Hosts that stay unreachable for two minutes end the run.
        async Task<ActorProgress?> Poll(IActorHost host, int i, bool stopping)
        {
            try
            {
                // Each call is capped, so one unreachable host does not hold up the others (whose leases run meanwhile).
                var p = stopping ? await host.Stop().WaitAsync(TimeSpan.FromSeconds(40)).ConfigureAwait(false)
                    : await host.TakeProgress().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                if (!stopping && !p.Running && p.Failure is null)
                {
                    // A new activation after its silo died: what the old one counted is kept as a base.
                    if (progress[i] is { } last)
                    {
                        lastOfDead[i] = Add(lastOfDead[i], last);
                        progress[i] = Idle; // counted once, even if this start fails and the next poll tries again
                    }
                    // Its copies continue from the statistics it last reported rather than from the run's start.
                    if (Volatile.Read(ref merged) is { } latest) assignments[i] = assignments[i] with { Resumed = ForHost(latest, count) };
                    await host.Start(assignments[i]).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                    Interlocked.Increment(ref restarts);
                }
                unreachableSince[i] = null;
                return p;
            }
            catch (Exception e) when (e is not OperationCanceledException && !stopping)
            {
                if (DateTime.UtcNow - (unreachableSince[i] ??= DateTime.UtcNow) < TimeSpan.FromMinutes(2)) return null;
                throw new InvalidOperationException(
                    $"actor host '{cluster.RunName}/actors-{i}' (last on {placed[i]}) has been unreachable for 2 minutes: {e.Message}", e);
            }
            catch (Exception e) when (e is not OperationCanceledException && stopping)
            {
                return null; // its silo is gone; nothing to stop
            }
        }
        using var both = CancellationTokenSource.CreateLinkedTokenSource(learnerDone, cancellation);
        while (!both.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(500, both.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { }
            var stopping = both.IsCancellationRequested;
            var polled = await Task.WhenAll(hosts.Select((h, i) => Poll(h, i, stopping))).ConfigureAwait(false);
            // An unreachable host keeps its last counters but has finished no new episodes.
            for (var i = 0; i < count; i++)
                progress[i] = polled[i] ?? (progress[i] ?? Idle) with { Running = false, Returns = [], Lengths = [], Visited = [], Solved = [], Copies = [] };
            if (progress.FirstOrDefault(p => p.Failure is not null) is { } failed) throw new InvalidOperationException(failed.Failure);
            for (var i = 0; i < count; i++)
                if (polled[i]?.Statistics is { } reported) parts[i] = ActorStatistics.FromWire(reported);
            var known = Enumerable.Range(0, count).Where(i => parts[i] is not null).Select(i => (ranges[i].First, ranges[i].Copies, parts[i]!)).ToList();
            if (known.Count > 0)
            {
                var run = ActorStatistics.Merge(agent.Copies, known);
                Volatile.Write(ref merged, run);
                statistics(run);
            }
            foreach (var p in progress)
                for (var e = 0; e < p.Returns.Length; e++)
                    if (report.Add(new EpisodeSummary(p.Copies[e], p.Returns[e], p.Lengths[e], p.Visited[e], p.Solved[e])) is { } values)
                        yield return new MetricsEvent(Interlocked.Read(ref updates[0]), "actors",
                        [
                            .. values, new("intrinsic_mean", progress.Average(x => x.IntrinsicMean)), new("replay_size", replay.Size),
                            new("parameter_version", progress.Min(x => x.ParameterVersion)),
                            new("env_steps", progress.Sum(x => x.EnvSteps) + lastOfDead.Sum(x => x.EnvSteps)),
                            new("replay_lost", progress.Sum(x => x.ReplayLost) + lastOfDead.Sum(x => x.Lost)),
                            new("replay_shard_restarts", progress.Sum(x => x.ShardRestarts) + lastOfDead.Sum(x => x.ShardRestarts)),
                            new("actor_hosts", progress.Count(x => x.Running)), new("actor_host_restarts", restarts),
                        ]);
        }
    }
}
