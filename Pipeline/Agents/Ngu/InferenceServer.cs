using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using Pipeline.Algorithms.Ngu;
using Pipeline.Algorithms.Ngu.Networks;
using Pipeline.Stages.Parameters;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Agents.Ngu;

/// <summary>One actor group's request: its copies' current observations and what led to them.</summary>
/// <param name="FirstCopy">global index of the group's first copy.</param>
/// <param name="Observations">Count x observation floats.</param>
/// <param name="PreviousActions">the action that led here, -1 at an episode's first step.</param>
/// <param name="PreviousExtrinsic">the extrinsic reward that came with it.</param>
/// <param name="EpisodeStarts">true where the observation is an episode's first.</param>
public sealed record InferenceRequest(int FirstCopy, float[] Observations, int[] PreviousActions, float[] PreviousExtrinsic, bool[] EpisodeStarts)
{
    internal TaskCompletionSource<InferenceResponse> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int Count => PreviousActions.Length;
}

/// <summary>The answer: actions, the intrinsic reward of the transition that led to each observation (0 at an episode start),
/// and the LSTM state (h, c) each copy had before this step (stored with sequences that start here).</summary>
/// <summary>Per copy: the action, its probability under the copy's epsilon-greedy policy, the intrinsic reward of the
/// observation and the LSTM state (h, c) before the step.</summary>
public sealed record InferenceResponse(int[] Actions, float[] Behaviour, float[] Intrinsic, float[] StatesBefore);

/// <summary>
/// Central batched inference (SEED RL; irm_ngu.md 3.4): actor groups send their observations, the server waits for more
/// groups up to a timeout, then runs one forward pass of the embedding, RND and the recurrent Q-network over all of them.
/// It keeps every copy's recurrent state and episodic memory (as SEED keeps per-environment state on the learner), computes
/// the intrinsic reward r^i = r^episodic * clip(1 + (err - mu_e) / sigma_e, 1, L) (NGU section 2; the embedding of x_{t+1}
/// rewards the transition into it), and acts epsilon-greedily with copy i's epsilon and policy j = i mod N.
/// It refreshes its networks from the learner's <see cref="ParameterStore{T}"/> every actor-update-period batches, except
/// that each copy keeps the embedding f its episode started with (<see cref="EpisodeEmbeddings"/>).
/// </summary>
public sealed class InferenceServer : IDisposable
{
    readonly NguConfig config;
    readonly NguAgentConfig agent;
    readonly NguNetworks networks;
    readonly EpisodeEmbeddings? embeddings;
    readonly ParameterStore<ParameterSnapshot> store;
    readonly Device device;
    readonly BufferBlock<InferenceRequest> requests = new();
    readonly EpisodicMemory[] memories;
    readonly RunningMoments rndMoments;
    readonly int[] policies;
    readonly double[] epsilons;
    readonly float[] h, c;
    readonly Random random;
    readonly Task loop;
    readonly CancellationTokenSource stop = new();
    readonly int first, served;
    long batches, version = -1, forwarded, embeddingRefreshesDeferred;
    int embeddingVersions;
    Exception? failure;
    double intrinsicSum;
    long intrinsicCount;

    /// <param name="firstCopy">the first of the copies this server acts for (global index); a cluster's actor host
    /// serves its share of the run's copies, which keep their global policies and epsilons.</param>
    /// <param name="copyCount">how many copies it serves (default: all of <see cref="NguAgentConfig.Copies"/>).</param>
    /// <param name="resumed">life-long reward statistics to continue from (a resumed run's; indexed by global copy).</param>
    /// <param name="policy">one policy for every copy (an evaluation's: the exploitative beta_0); null: copy i acts with i mod N.</param>
    public InferenceServer(NguConfig config, NguAgentConfig agent, ParameterStore<ParameterSnapshot> store, int seed, Device device,
        int firstCopy = 0, int? copyCount = null, ActorStatistics? resumed = null, int? policy = null)
    {
        (this.config, this.agent, this.store, this.device) = (config, agent, store, device);
        (first, served) = (firstCopy, copyCount ?? agent.Copies - firstCopy);
        if (first < 0 || served < 1 || first + served > agent.Copies)
            throw new ArgumentException($"copies {first}..{first + served - 1} are not within the run's {agent.Copies} copies");
        if (policy is { } p && (p < 0 || p >= config.Policies))
            throw new ArgumentOutOfRangeException(nameof(policy), p, $"policy {p} is not one of the {config.Policies} policies");
        var copies = served;
        memories = Enumerable.Range(0, copies).Select(_ => new EpisodicMemory(config.EpisodicCapacity, config.EmbeddingSize, config.Kernel)).ToArray();
        policies = Enumerable.Range(first, copies).Select(i => policy ?? PolicyFamily.PolicyOfActor(i, config.Policies)).ToArray();
        epsilons = Enumerable.Range(first, copies).Select(i => PolicyFamily.ActorEpsilon(i, agent.Copies, agent.EpsilonBase, agent.EpsilonAlpha)).ToArray();
        (h, c) = (new float[copies * config.Hidden], new float[copies * config.Hidden]);
        random = new Random(seed ^ 0x5EED);
        rndMoments = new RunningMoments(config.RndMomentsDecay);
        if (resumed is not null) Restore(resumed); // before any native network exists: saved statistics that do not fit throw here
        // The learner's Init draws its online networks first from the same seed, so both start from the same weights.
        using var generator = new Generator((ulong)seed, device);
        networks = new NguNetworks(config, generator, device);
        // Only a trained f changes between snapshots; a random embedding stays the one network all episodes use.
        if (networks.Embedding is not null && config.Intrinsic == NguConfig.Learned)
            embeddings = new EpisodeEmbeddings(networks.Embedding,
                () => new EmbeddingNetwork(NguNetworks.EmbeddingTorso(config), config.Spec.ActionCount, config.EmbeddingSize, device), copies);
        loop = Task.Run(() => Serve(stop.Token));
    }

    void Restore(ActorStatistics saved)
    {
        if (saved.DistanceMeans.Length != agent.Copies || saved.DistancesSeen.Length != agent.Copies)
            throw new ArgumentException($"the saved actor statistics are for {saved.DistanceMeans.Length} copies; this run has {agent.Copies}");
        rndMoments.Restore(saved.RndCount, saved.RndMean, saved.RndVariance);
        for (var i = 0; i < served; i++) memories[i].RestoreDistanceStatistics(saved.DistanceMeans[first + i], saved.DistancesSeen[first + i]);
    }

    /// <summary>
    /// The life-long reward statistics now, for a run checkpoint (copies this server does not serve read 0). Taken under
    /// the lock the reward computation holds, so it never sees a batch half applied.
    /// </summary>
    public ActorStatistics Statistics()
    {
        lock (rndMoments)
        {
            var means = new double[agent.Copies];
            var seen = new long[agent.Copies];
            for (var i = 0; i < served; i++) (means[first + i], seen[first + i]) = memories[i].DistanceStatistics;
            return new ActorStatistics(rndMoments.Count, rndMoments.Mean, rndMoments.Variance, means, seen);
        }
    }

    /// <summary>The policy index each served copy acts with.</summary>
    public IReadOnlyList<int> Policies => policies;

    /// <summary>Parameter version in use (-1: the initial weights).</summary>
    public long Version => Interlocked.Read(ref version);

    /// <summary>Versions of the learned embedding f the last batch's episodes used (0 without a learned one).</summary>
    public int EmbeddingVersions => Volatile.Read(ref embeddingVersions);

    /// <summary>Refreshes that kept f because <see cref="EpisodeEmbeddings.MaxVersions"/> versions were live.</summary>
    public long EmbeddingRefreshesDeferred => Interlocked.Read(ref embeddingRefreshesDeferred);

    /// <summary>Observations passed through the networks so far.</summary>
    public long Forwarded => Interlocked.Read(ref forwarded);

    /// <summary>Mean intrinsic reward since the last call (0 when none), then resets.</summary>
    public double TakeMeanIntrinsic()
    {
        lock (rndMoments)
        {
            var mean = intrinsicCount == 0 ? 0 : intrinsicSum / intrinsicCount;
            (intrinsicSum, intrinsicCount) = (0, 0);
            return mean;
        }
    }

    public Task<InferenceResponse> ActAsync(InferenceRequest request)
    {
        if (request.FirstCopy < first || request.FirstCopy + request.Count > first + served)
            throw new ArgumentException($"copies {request.FirstCopy}..{request.FirstCopy + request.Count - 1} are outside the server's copies {first}..{first + served - 1}", nameof(request));
        if (request.PreviousExtrinsic.Length != request.Count || request.EpisodeStarts.Length != request.Count)
            throw new ArgumentException($"{request.Count} copies need {request.Count} previous rewards and episode flags; got {request.PreviousExtrinsic.Length} and {request.EpisodeStarts.Length}", nameof(request));
        if (request.Observations.Length != request.Count * config.Spec.ObservationSize)
            throw new ArgumentException($"{request.Count} copies need {request.Count * config.Spec.ObservationSize} observation floats; got {request.Observations.Length}", nameof(request));
        if (!requests.Post(request))
            throw new InvalidOperationException("the inference server has stopped" + (failure is null ? "" : $": {failure.Message}"), failure);
        return request.Reply.Task;
    }

    async Task Serve(CancellationToken cancellation)
    {
        var pending = new List<InferenceRequest>();
        try
        {
            while (await requests.OutputAvailableAsync(cancellation).ConfigureAwait(false))
            {
                pending.Clear();
                var copies = 0;
                var deadline = Stopwatch.GetTimestamp() + (long)(agent.InferenceTimeoutMs / 1000 * Stopwatch.Frequency);
                while (copies < served)
                {
                    if (requests.TryReceive(out var request))
                    {
                        pending.Add(request);
                        copies += request.Count;
                        continue;
                    }
                    var left = deadline - Stopwatch.GetTimestamp();
                    if (left <= 0) break;
                    await Task.WhenAny(requests.OutputAvailableAsync(cancellation), Task.Delay(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency), cancellation)).ConfigureAwait(false);
                }
                try
                {
                    var responses = Infer(pending, copies);
                    for (var i = 0; i < pending.Count; i++) pending[i].Reply.SetResult(responses[i]);
                }
                catch (Exception e)
                {
                    foreach (var r in pending) r.Reply.TrySetException(e);
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Every later request fails with this error instead of waiting for a server that is gone.
            failure = e;
        }
        finally
        {
            requests.Complete();
            while (requests.TryReceive(out var left))
            {
                if (failure is null) left.Reply.TrySetCanceled();
                else left.Reply.TrySetException(failure);
            }
        }
    }

    InferenceResponse[] Infer(List<InferenceRequest> group, int count)
    {
        RefreshParameters();
        var size = config.Spec.ObservationSize;
        var hidden = config.Hidden;
        var observations = new float[count * size];
        var previousActions = new long[count];
        var previousExtrinsic = new float[count];
        var index = new int[count];
        var offset = 0;
        foreach (var r in group)
        {
            r.Observations.CopyTo(observations, offset * size);
            for (var i = 0; i < r.Count; i++)
            {
                index[offset + i] = r.FirstCopy - first + i;
                previousActions[offset + i] = r.PreviousActions[i];
                previousExtrinsic[offset + i] = r.PreviousExtrinsic[i];
                if (r.EpisodeStarts[i])
                {
                    Array.Clear(h, (r.FirstCopy - first + i) * hidden, hidden);
                    Array.Clear(c, (r.FirstCopy - first + i) * hidden, hidden);
                }
            }
            offset += r.Count;
        }
        var starts = group.SelectMany(r => r.EpisodeStarts).ToArray();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long[] shape = [count, .. config.Spec.ObservationShape.Select(d => (long)d)];
        var x = tensor(observations, shape).to(device);
        var intrinsic = IntrinsicRewards(x, index, starts);
        var statesBefore = new float[count * 2 * hidden];
        var hIn = new float[count * hidden];
        var cIn = new float[count * hidden];
        for (var i = 0; i < count; i++)
        {
            Array.Copy(h, index[i] * hidden, hIn, i * hidden, hidden);
            Array.Copy(c, index[i] * hidden, cIn, i * hidden, hidden);
            Array.Copy(h, index[i] * hidden, statesBefore, i * 2 * hidden, hidden);
            Array.Copy(c, index[i] * hidden, statesBefore, i * 2 * hidden + hidden, hidden);
        }
        var inputs = new QInputs(x.unsqueeze(1), tensor(previousActions, [count, 1]).to(device), tensor(previousExtrinsic, [count, 1]).to(device),
            tensor(intrinsic, [count, 1]).to(device), tensor(index.Select(i => (long)policies[i]).ToArray()).to(device));
        var (q, hOut, cOut) = networks.Q.call(inputs, (tensor(hIn, [count, hidden]).to(device), tensor(cIn, [count, hidden]).to(device)));
        var greedy = q.squeeze(1).argmax(-1).cpu().data<long>().ToArray();
        var hNew = hOut.cpu().data<float>().ToArray();
        var cNew = cOut.cpu().data<float>().ToArray();
        var actions = new int[count];
        var behaviour = new float[count];
        var actionCount = config.Spec.ActionCount;
        for (var i = 0; i < count; i++)
        {
            Array.Copy(hNew, i * hidden, h, index[i] * hidden, hidden);
            Array.Copy(cNew, i * hidden, c, index[i] * hidden, hidden);
            var epsilon = epsilons[index[i]];
            actions[i] = random.NextDouble() < epsilon ? random.Next(actionCount) : (int)greedy[i];
            behaviour[i] = (float)(epsilon / actionCount + (actions[i] == greedy[i] ? 1 - epsilon : 0));
        }
        Interlocked.Add(ref forwarded, count);
        batches++;
        var responses = new InferenceResponse[group.Count];
        offset = 0;
        for (var g = 0; g < group.Count; g++)
        {
            var n = group[g].Count;
            responses[g] = new InferenceResponse(actions[offset..(offset + n)], behaviour[offset..(offset + n)], intrinsic[offset..(offset + n)], statesBefore[(offset * 2 * hidden)..((offset + n) * 2 * hidden)]);
            offset += n;
        }
        return responses;
    }

    /// <summary>r^i of the transition into each observation; episode starts reset the copy's memory and get 0.</summary>
    float[] IntrinsicRewards(Tensor x, int[] index, bool[] starts)
    {
        var count = index.Length;
        var rewards = new float[count];
        if (networks.Embedding is null) return rewards;
        var e = config.EmbeddingSize;
        float[] embedded;
        if (embeddings is null) embedded = networks.Embedding.call(x).cpu().data<float>().ToArray();
        else
        {
            embeddings.StartEpisodes(index, starts);
            embedded = embeddings.Embed(x, index).cpu().data<float>().ToArray();
            Volatile.Write(ref embeddingVersions, embeddings.LiveVersions);
            Interlocked.Exchange(ref embeddingRefreshesDeferred, embeddings.Deferred);
        }
        var errors = networks.Rnd?.call(x).cpu().data<float>().ToArray();
        lock (rndMoments)
        {
            for (var i = 0; i < count; i++)
            {
                var memory = memories[index[i]];
                if (starts[i]) memory.Clear();
                var episodic = memory.RewardAndAdd(embedded.AsSpan(i * e, e));
                if (starts[i]) continue;
                var multiplier = 1.0;
                if (errors is not null)
                {
                    rndMoments.Add(errors[i]);
                    var sigma = rndMoments.StandardDeviation;
                    var alpha = sigma > 0 ? 1 + (errors[i] - rndMoments.Mean) / sigma : 1;
                    multiplier = Math.Clamp(alpha, 1, config.RndClip);
                }
                rewards[i] = (float)(episodic * multiplier);
                intrinsicSum += rewards[i];
                intrinsicCount++;
            }
        }
        return rewards;
    }

    void RefreshParameters()
    {
        if (batches % agent.ActorUpdatePeriod != 0) return;
        var seen = store.ReadIfNewer(version, snapshot =>
        {
            if (embeddings is null) networks.Load(snapshot);
            else embeddings.Refresh(() => networks.Load(snapshot));
        });
        Interlocked.Exchange(ref version, seen);
    }

    public void Dispose()
    {
        requests.Complete();
        stop.Cancel();
        loop.Wait(); // the loop ends by itself on a failure or a cancellation; it never throws
        stop.Dispose();
        embeddings?.Dispose();
        networks.Dispose();
    }
}
