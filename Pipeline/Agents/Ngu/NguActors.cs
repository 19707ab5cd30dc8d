using System.Threading.Tasks.Dataflow;
using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Stages.Replay;

namespace Pipeline.Agents.Ngu;

/// <summary>Starts the actor groups for copies [first, first + count) of a run, in this process or on an actor host.</summary>
public static class NguActors
{
    /// <summary>
    /// <see cref="NguAgentConfig.ActorGroups"/> groups share the copies in proportion (at least one copy each); every
    /// group steps its own vectorised environment on its own task. Returns the groups' tasks.
    /// </summary>
    public static Task[] Start(NguConfig config, NguAgentConfig agent, int seed, SequenceLayout layout, InferenceServer inference,
        ITargetBlock<ItemBatch> writer, int first, int count, Action<EpisodeSummary> finishedEpisode, Func<double> initialPriority,
        DistinctObservations? distinct, CancellationToken cancellation)
    {
        var pool = BatchPool.Items(layout.Items, 16);
        var groups = Math.Min(agent.ActorGroups, count);
        return [.. Enumerable.Range(0, groups).Select(g =>
        {
            var start = first + g * count / groups;
            var size = first + (g + 1) * count / groups - start;
            var group = new ActorGroup(config, agent.CreateEnvironment(size, start), start, layout, pool, inference, writer, finishedEpisode,
                initialPriority, distinct);
            // Seeds by the group's first copy: the same copies get the same streams wherever they run.
            return Task.Run(() => group.RunAsync((ulong)seed * 7919 + (ulong)start, cancellation));
        })];
    }
}
