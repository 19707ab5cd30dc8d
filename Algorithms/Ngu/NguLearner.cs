using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// The learner's state: online and target Q-networks, the embedding and RND networks, an Adam state per loss, the
/// generator and the number of updates. <see cref="Priorities"/> holds the new priorities of the last batch's sequences,
/// in batch order, for the replay.
/// </summary>
public sealed class NguLearnerState(NguConfig config, NguNetworks online, NguNetworks target, AdamState q, AdamState? embedding,
    AdamState? rnd, Generator generator, Tensor betas, Tensor gammas) : IDisposable
{
    public NguConfig Config { get; } = config;
    public NguNetworks Online { get; } = online;
    public NguNetworks Target { get; } = target;
    public AdamState QAdam { get; } = q;
    public AdamState? EmbeddingAdam { get; } = embedding;
    public AdamState? RndAdam { get; } = rnd;
    public Generator Generator { get; } = generator;
    /// <summary>beta_j and gamma_j of every policy, [N], on the device.</summary>
    public Tensor Betas { get; } = betas;
    public Tensor Gammas { get; } = gammas;
    public long Updates { get; internal set; }
    public double[] Priorities { get; internal set; } = [];

    public void Dispose()
    {
        Online.Dispose();
        Target.Dispose();
        QAdam.Dispose();
        EmbeddingAdam?.Dispose();
        RndAdam?.Dispose();
        Generator.Dispose();
        Betas.Dispose();
        Gammas.Dispose();
    }
}

/// <summary>
/// One R2D2 learner update with NGU's auxiliary losses (NGU appendix A; R2D2 section 2.3), as a pure Init/Update pair:
/// online and target networks unroll from the stored state, n-step double-Q targets with the value rescaling h train
/// the Q-network on the steps after the burn-in (importance-weighted squared TD, clipped global gradient norm),
/// the sequence priorities eta max|td| + (1 - eta) mean|td| are returned for the replay, the target network is a copy
/// every <see cref="NguConfig.TargetUpdatePeriod"/> updates; the embedding (inverse dynamics, cross-entropy + L2) and RND's
/// predictor learn on the last <see cref="NguConfig.AuxiliarySteps"/> transitions of each sequence.
/// </summary>
public sealed class NguLearner : IAlgorithm<NguConfig, NguLearnerState, SequenceBatch>
{
    public static NguLearnerState Init(NguConfig config, int seed, Device device)
    {
        var generator = new Generator((ulong)seed, device);
        var online = new NguNetworks(config, generator, device);
        var target = new NguNetworks(config, generator, device);
        target.Load(online.Snapshot(0));
        foreach (var p in target.Parameters) p.requires_grad = false;
        var betas = tensor(Enumerable.Range(0, config.Policies).Select(config.Beta).Select(v => (float)v).ToArray(), device: device);
        var gammas = tensor(Enumerable.Range(0, config.Policies).Select(config.Gamma).Select(v => (float)v).ToArray(), device: device);
        return new NguLearnerState(config, online, target, Adam.Init(online.Q.parameters().ToList()),
            config.Intrinsic == NguConfig.Learned ? Adam.Init(online.Embedding!.parameters().ToList()) : null,
            online.Rnd is { } rnd ? Adam.Init(rnd.TrainedParameters.ToList()) : null,
            generator, betas, gammas);
    }

    /// <summary>
    /// A learner whose online and target networks take a published snapshot's parameters and whose update count is the
    /// snapshot's version; the optimisers' moments start afresh. How a learner without a checkpoint resumes from a
    /// parameter server.
    /// </summary>
    public static NguLearnerState FromSnapshot(NguConfig config, int seed, Device device, ParameterSnapshot snapshot)
    {
        var state = Init(config, seed, device);
        state.Online.Load(snapshot);
        state.Target.Load(snapshot);
        state.Updates = snapshot.Version;
        return state;
    }

    public static Step<NguLearnerState> Update(NguLearnerState state, SequenceBatch batch)
    {
        var config = state.Config;
        CheckBatch(config, batch);
        using var scope = NewDisposeScope();
        var (qLoss, qMean, tdMean) = QStep(state, batch);
        var (actionLoss, actionAccuracy) = state.EmbeddingAdam is null ? (double.NaN, double.NaN) : EmbeddingStep(state, batch);
        var rndLoss = state.RndAdam is null ? double.NaN : RndStep(state, batch);
        state.Updates++;
        if (state.Updates % config.TargetUpdatePeriod == 0)
        {
            using var snapshot = state.Online.Snapshot(state.Updates);
            state.Target.Load(snapshot);
        }
        var metrics = new List<(string, double)> { ("loss", qLoss), ("q_mean", qMean), ("td_abs_mean", tdMean), ("priority_mean", state.Priorities.Average()) };
        if (!double.IsNaN(actionLoss)) metrics.AddRange([("action_loss", actionLoss), ("action_accuracy", actionAccuracy)]);
        if (!double.IsNaN(rndLoss)) metrics.Add(("rnd_loss", rndLoss));
        return new Step<NguLearnerState>(state, Metrics.Of([.. metrics]));
    }

    static (double Loss, double QMean, double TdMean) QStep(NguLearnerState state, SequenceBatch batch)
    {
        var config = state.Config;
        var length = batch.Length;
        var online = state.Online.Q;
        var target = state.Target.Q;
        var inputs = batch.Inputs(0, length);
        var q = online.call(inputs, (batch.InitialH, batch.InitialC)).Q;
        var retrace = config.Targets == NguConfig.RetraceTarget;
        var epsilon = config.RescalingEpsilon;
        var rescaled = config.Rescaling == NguConfig.Rescaled;
        Func<Tensor, Tensor> rescale = z => rescaled ? ValueRescaling.H(z, epsilon) : z, unscale = z => rescaled ? ValueRescaling.Inverse(z, epsilon) : z;
        Tensor bootstrap, ratios;
        Tensor? targetTaken = null;
        using (no_grad())
        {
            var qTarget = target.call(inputs, (batch.InitialH, batch.InitialC)).Q;
            (bootstrap, ratios) = RetraceTargets.TargetPolicy(q.detach(), qTarget, batch.Actions, batch.Behaviour, config.RetraceTargetEpsilon, rescale, unscale);
            if (retrace) targetTaken = qTarget.gather(2, batch.Actions.unsqueeze(-1)).squeeze(-1);
        }
        var taken = q.gather(2, batch.Actions.unsqueeze(-1)).squeeze(-1);
        var beta = state.Betas.index_select(0, batch.Policies).unsqueeze(1);
        var rewards = batch.Extrinsic.add(batch.Intrinsic.mul(beta));
        var gammas = state.Gammas.index_select(0, batch.Policies);
        var (targets, valid) = retrace
            ? RetraceTargets.Compute(rewards, batch.Terminal, batch.Mask, gammas, targetTaken!, bootstrap, ratios, config.RetraceLambda, rescale, unscale)
            : NStepTargets.Compute(rewards, batch.Terminal, batch.Mask, gammas, bootstrap, config.NStep, rescale, unscale);
        valid = valid.mul(BurnInMask(config, batch));
        var span = targets.shape[1];
        var td = targets.sub(taken.narrow(1, 0, span));
        var perSequence = td.mul(td).mul(valid).sum(1).div(valid.sum(1).clamp_min(Scalars.Of(1)));
        var loss = perSequence.mul(batch.Weights).mean();
        online.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(online.parameters(), config.ClipNorm);
        Adam.Update(new AdamConfig(config.LearningRate, 0.9, 0.999, config.AdamEpsilon), state.QAdam, online.parameters().ToList());
        var absolute = td.detach().abs();
        state.Priorities = NStepTargets.SequencePriorities(absolute, valid, config.PriorityEta).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        var count = valid.sum().item<float>();
        var qMean = count > 0 ? taken.detach().narrow(1, 0, span).mul(valid).sum().item<float>() / count : 0;
        var tdMean = count > 0 ? absolute.mul(valid).sum().item<float>() / count : 0;
        return (loss.item<float>(), qMean, tdMean);
    }

    /// <summary>
    /// R2D2's burn-in (section 3): the first steps of a sequence only warm up the LSTM from its stale stored state and
    /// get no loss. A sequence that starts its episode has the exact (zero) state, so all its steps are trained: short
    /// episodes (Disco Maze's first ones last two steps) would otherwise never be learned from. Here the prefix is
    /// unrolled with the rest rather than under no_grad, so later losses still shape it through the state.
    /// </summary>
    static Tensor BurnInMask(NguConfig config, SequenceBatch batch)
    {
        using Scalar none = -1L;
        var startsEpisode = batch.PreviousActions.select(1, 0).eq(none).unsqueeze(1);
        var afterBurnIn = arange(batch.Length, device: batch.Mask.device).ge(Scalars.Of(config.BurnIn)).unsqueeze(0);
        return startsEpisode.logical_or(afterBurnIn).to_type(batch.Mask.dtype);
    }

    /// <summary>
    /// The last <see cref="NguConfig.AuxiliarySteps"/> transitions (x_t, a_t, x_{t+1}) of each sequence's real steps
    /// (appendix A), with 1 where the pair exists: a sequence cut short by its episode's end is padded, so its last
    /// transitions are counted back from its last real step, not from the end of the padding.
    /// </summary>
    static (Tensor Now, Tensor Next, Tensor Actions, Tensor Valid) LastTransitions(NguConfig config, SequenceBatch batch)
    {
        var (k, b, t) = (config.AuxiliarySteps, batch.Size, batch.Length);
        // Integer scalars held for the call (see Scalars for why temporaries are unsafe).
        using Scalar zero = 0L, one = 1L, back = (long)k + 1, last = t - 2, stride = t;
        var real = batch.Mask.sum(1).to_type(ScalarType.Int64);
        var start = real.sub(back).clamp_min(zero);
        var offsets = arange(k, dtype: ScalarType.Int64, device: real.device).unsqueeze(0);
        var now = start.unsqueeze(1).add(offsets).clamp_max(last);
        var valid = now.add(one).lt(real.unsqueeze(1)).to_type(batch.Mask.dtype).flatten();
        var rows = arange(b, dtype: ScalarType.Int64, device: real.device).unsqueeze(1).mul(stride);
        var flatNow = rows.add(now).flatten();
        var observations = batch.Observations.flatten(0, 1);
        return (observations.index_select(0, flatNow), observations.index_select(0, flatNow.add(one)),
            batch.Actions.flatten().index_select(0, flatNow), valid);
    }

    static (double Loss, double Accuracy) EmbeddingStep(NguLearnerState state, SequenceBatch batch)
    {
        var config = state.Config;
        var embedding = state.Online.Embedding!;
        var (now, next, actions, valid) = LastTransitions(config, batch);
        var count = valid.sum().item<float>();
        if (count == 0) return (0, 0);
        var logits = embedding.ActionLogits(embedding.call(now), embedding.call(next));
        var crossEntropy = nn.functional.cross_entropy(logits, actions, reduction: nn.Reduction.None).mul(valid).sum().div(Scalars.Of(count));
        var l2 = embedding.parameters().Select(p => p.mul(p).sum()).Aggregate((a, b) => a.add(b));
        var loss = crossEntropy.add(l2.mul(Scalars.Of(config.ActionPredictionL2)));
        embedding.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(embedding.parameters(), config.ClipNorm);
        Adam.Update(new AdamConfig(config.EmbeddingLearningRate, 0.9, 0.999, config.AdamEpsilon), state.EmbeddingAdam!, embedding.parameters().ToList());
        var correct = logits.detach().argmax(-1).eq(actions).to_type(ScalarType.Float32).mul(valid).sum().item<float>();
        return (crossEntropy.item<float>(), correct / count);
    }

    static double RndStep(NguLearnerState state, SequenceBatch batch)
    {
        var config = state.Config;
        var rnd = state.Online.Rnd!;
        var (_, next, _, valid) = LastTransitions(config, batch);
        var count = valid.sum().item<float>();
        if (count == 0) return 0;
        var loss = rnd.call(next).mul(valid).sum().div(Scalars.Of(count));
        rnd.zero_grad();
        loss.backward();
        var trained = rnd.TrainedParameters.ToList();
        nn.utils.clip_grad_norm_(trained, config.ClipNorm);
        Adam.Update(new AdamConfig(config.EmbeddingLearningRate, 0.9, 0.999, config.AdamEpsilon), state.RndAdam!, trained.Cast<Tensor>().ToList());
        return loss.item<float>();
    }

    static void CheckBatch(NguConfig config, SequenceBatch batch)
    {
        if (batch.Length != config.SequenceLength)
            throw new ArgumentException($"batch sequences have {batch.Length} steps; the config expects sequence-length {config.SequenceLength}", nameof(batch));
        var expected = new long[] { batch.Size, batch.Length }.Concat(config.Spec.ObservationShape.Select(d => (long)d)).ToArray();
        if (!batch.Observations.shape.SequenceEqual(expected))
            throw new ArgumentException($"observations have shape [{string.Join(", ", batch.Observations.shape)}]; expected [{string.Join(", ", expected)}]", nameof(batch));
        if (batch.InitialH.shape[^1] != config.Hidden)
            throw new ArgumentException($"initial LSTM state has {batch.InitialH.shape[^1]} units; the config has hidden {config.Hidden}", nameof(batch));
    }

    public static byte[] Save(NguLearnerState state) => Save(state, null);

    /// <param name="extra">entries after the learner's own (the agent's actor statistics); readers that do not ask ignore them.</param>
    public static byte[] Save(NguLearnerState state, Action<TensorArchiveWriter>? extra)
    {
        using var archive = new TensorArchiveWriter("ngu-learner");
        archive.AddAll("online", state.Online.Parameters).AddAll("target", state.Target.Parameters);
        state.QAdam.Save(archive, "adam.q");
        state.EmbeddingAdam?.Save(archive, "adam.embedding");
        state.RndAdam?.Save(archive, "adam.rnd");
        archive.Add("generator", state.Generator).Add("updates", state.Updates);
        extra?.Invoke(archive);
        return archive.ToArray();
    }

    public static NguLearnerState Load(NguConfig config, byte[] payload, Device device) => Load(config, payload, device, null);

    /// <param name="extra">reads what Save's extra wrote; not called for a payload that ends with the learner's entries.</param>
    public static NguLearnerState Load(NguConfig config, byte[] payload, Device device, Action<TensorArchiveReader>? extra)
    {
        var state = Init(config, 0, device);
        try
        {
            using var archive = new TensorArchiveReader(payload, "ngu-learner");
            using (no_grad())
            {
                archive.ReadAllInto("online", state.Online.Parameters);
                archive.ReadAllInto("target", state.Target.Parameters);
            }
            state.QAdam.Load(archive, "adam.q");
            state.EmbeddingAdam?.Load(archive, "adam.embedding");
            state.RndAdam?.Load(archive, "adam.rnd");
            archive.ReadInto("generator", state.Generator);
            state.Updates = archive.ReadLong("updates");
            if (extra is not null && !archive.AtEnd) extra(archive);
            return state;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }
}
