using System.Threading.Tasks.Dataflow;
using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Stages.Replay;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// One vectorised environment stepped by its own task: asks the <see cref="InferenceServer"/> for actions, steps every
/// copy, writes each step into the copy's <see cref="SequenceAdder"/> and sends full batches of sequences to the replay
/// writer (awaiting it: the rate limiter's back-pressure reaches the environment loop). A step's intrinsic reward is
/// only known after the next observation's embedding, so a copy's step is appended one inference later, or at once
/// (with r^i = 0) when its episode ended. New sequences enter replay with <paramref name="initialPriority"/> (the
/// recent maximum of the learner's priorities, as prioritized replay does for unseen items: R2D2's actors compute
/// a TD priority instead, which needs the target network on the actor).
/// </summary>
public sealed class ActorGroup(NguConfig config, IVectorEnvironment environment, int firstCopy, SequenceLayout layout,
    BatchPool<ItemBatch> pool, InferenceServer inference, ITargetBlock<ItemBatch> replay, Action<EpisodeSummary> finishedEpisode,
    Func<double> initialPriority, DistinctObservations? distinct = null)
{
    public async Task RunAsync(ulong seed, CancellationToken cancellation)
    {
        var (n, size, hidden) = (environment.Count, environment.ObservationSize, config.Hidden);
        var output = new ItemBatchBuilder(pool);
        var adders = new VectorSequenceAdder(layout, n, output);
        var observations = new float[n * size];
        var next = new float[n * size];
        var rewards = new float[n];
        var (terminated, truncated) = (new bool[n], new bool[n]);
        var previousActions = Enumerable.Repeat(-1, n).ToArray();
        var previousExtrinsic = new float[n];
        var starts = Enumerable.Repeat(true, n).ToArray();
        var finished = new List<EpisodeSummary>();
        environment.Reset(seed, observations);
        while (!cancellation.IsCancellationRequested)
        {
            var reply = await inference.ActAsync(new InferenceRequest(firstCopy, observations, previousActions, previousExtrinsic, starts)).WaitAsync(cancellation).ConfigureAwait(false);
            for (var i = 0; i < n; i++)
            {
                var adder = adders[i];
                if (!starts[i])
                {
                    adder.Floats(NguSequences.Intrinsic)[0] = reply.Intrinsic[i];
                    adder.Append();
                }
                if (config.Spec.ByteObservations) ObservationBytes.Encode(observations.AsSpan(i * size, size), adder.Bytes(NguSequences.Observation));
                else observations.AsSpan(i * size, size).CopyTo(adder.Floats(NguSequences.Observation));
                adder.Ints(NguSequences.PreviousAction)[0] = previousActions[i];
                adder.Floats(NguSequences.PreviousExtrinsic)[0] = previousExtrinsic[i];
                adder.Floats(NguSequences.PreviousIntrinsic)[0] = reply.Intrinsic[i];
                adder.Ints(NguSequences.Action)[0] = reply.Actions[i];
                adder.Floats(NguSequences.Behaviour)[0] = reply.Behaviour[i];
                adder.Ints(NguSequences.Policy)[0] = PolicyFamily.PolicyOfActor(firstCopy + i, config.Policies);
                reply.StatesBefore.AsSpan(i * 2 * hidden, 2 * hidden).CopyTo(adder.State);
            }
            environment.Step(reply.Actions, next, rewards, terminated, truncated, finished);
            distinct?.Add(next, size);
            for (var i = 0; i < n; i++)
            {
                var adder = adders[i];
                adder.Floats(NguSequences.Extrinsic)[0] = rewards[i];
                adder.Floats(NguSequences.Terminal)[0] = terminated[i] ? 1 : 0;
                var ended = terminated[i] || truncated[i];
                if (ended)
                {
                    adder.Floats(NguSequences.Intrinsic)[0] = 0;
                    adder.Append(endOfEpisode: true);
                }
                starts[i] = ended;
                previousActions[i] = ended ? -1 : reply.Actions[i];
                previousExtrinsic[i] = ended ? 0 : rewards[i];
            }
            foreach (var episode in finished) finishedEpisode(episode);
            finished.Clear();
            (observations, next) = (next, observations);
            while (output.TakeFull() is { } batch)
            {
                batch.Priorities.AsSpan(0, batch.Count).Fill(initialPriority());
                if (!await replay.SendAsync(batch, cancellation).ConfigureAwait(false))
                {
                    batch.Dispose();
                    if (cancellation.IsCancellationRequested || replay.Completion.Exception is not { } failed) return;
                    throw new InvalidOperationException($"the replay writer stopped accepting sequences: {failed.GetBaseException().Message}", failed);
                }
            }
        }
    }
}
