using Pipeline.Algorithms.Ngu;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>The R2D2/NGU learner on small synthetic sequence batches.</summary>
public class NguLearnerTests
{
    internal static readonly NguConfig Tiny = new()
    {
        Spec = new NguSpec([4], 3), Policies = 2, SequenceLength = 8, ReplayPeriod = 4, BurnIn = 2, NStep = 2, BatchSize = 4,
        Hidden = 16, TorsoFeatures = 16, DuelingHidden = 16, EmbeddingSize = 8, AuxiliarySteps = 3, RndOutputs = 8,
        TargetUpdatePeriod = 5, LearningRate = 1e-3,
    };

    /// <summary>
    /// B sequences of random steps; the last sequence terminates after step 4 and is padded after it. Observations are
    /// random, or drawn by <paramref name="render"/> from the [B, T] actions.
    /// </summary>
    internal static SequenceBatch Batch(NguConfig config, int seed, Func<Tensor, Tensor>? render = null)
    {
        using var g = new Generator((ulong)seed);
        var (b, t, a) = (config.BatchSize, config.SequenceLength, config.Spec.ActionCount);
        var mask = ones(b, t);
        var terminal = zeros(b, t);
        mask[b - 1, TensorIndex.Slice(5)] = tensor(0f);
        terminal[b - 1, 4] = tensor(1f);
        var actions = randint(0, a, [b, t], generator: g);
        return new SequenceBatch(
            (render?.Invoke(actions) ?? randn([b, t, .. config.Spec.ObservationShape.Select(d => (long)d)], generator: g)).mul(mask.view([b, t, .. config.Spec.ObservationShape.Select(_ => 1L)])),
            actions, actions.roll(1, 1).index_put_(tensor(-1L), TensorIndex.Colon, TensorIndex.Single(0)),
            rand([b, t], generator: g).mul(mask), rand([b, t], generator: g).mul(mask), zeros(b, t), zeros(b, t),
            terminal, mask, randint(0, config.Policies, [b], generator: g),
            zeros(b, config.Hidden), zeros(b, config.Hidden), ones(b), rand([b, t], generator: g).mul(0.9).add(0.1).mul(mask));
    }

    [Theory]
    [InlineData(NguConfig.NStepTarget, 0)]
    [InlineData(NguConfig.RetraceTarget, 0)]
    [InlineData(NguConfig.RetraceTarget, 0.01)]
    public void Repeated_updates_on_one_batch_drive_its_losses_down(string targets, double targetEpsilon)
    {
        using var state0 = NguLearner.Init(Tiny with { TargetUpdatePeriod = 1000, Targets = targets, RetraceTargetEpsilon = targetEpsilon }, 1, CPU);
        using var batch = Batch(Tiny, 2);
        var state = state0;
        var first = NguLearner.Update(state, batch).Metrics;
        var last = first;
        for (var i = 0; i < 150; i++) last = NguLearner.Update(state, batch).Metrics;
        Assert.True(last["loss"] < 0.2 * first["loss"], $"Q loss {first["loss"]} -> {last["loss"]}");
        Assert.True(last["action_loss"] < first["action_loss"], $"action loss {first["action_loss"]} -> {last["action_loss"]}");
        Assert.True(last["rnd_loss"] < 0.5 * first["rnd_loss"], $"RND loss {first["rnd_loss"]} -> {last["rnd_loss"]}");
        Assert.Equal(Tiny.BatchSize, state.Priorities.Length);
        Assert.All(state.Priorities, p => Assert.True(double.IsFinite(p) && p >= 0));
    }

    [Fact]
    public void Save_then_load_continues_bit_identically()
    {
        using var batch = Batch(Tiny, 5);
        using var a = NguLearner.Init(Tiny, 7, CPU);
        for (var i = 0; i < 3; i++) NguLearner.Update(a, batch);
        var payload = NguLearner.Save(a);
        using var b = NguLearner.Load(Tiny, payload, CPU);
        for (var i = 0; i < 4; i++)
        {
            var (ma, mb) = (NguLearner.Update(a, batch).Metrics, NguLearner.Update(b, batch).Metrics);
            Assert.Equal(ma.Select(kv => kv.Value), mb.Select(kv => kv.Value));
            Assert.Equal(a.Priorities, b.Priorities);
        }
        Assert.Equal(a.Updates, b.Updates);
    }

    /// <summary>
    /// A grid torso with keypoints (their sharpness is a parameter), or of keypoints alone, learns its action loss and
    /// resumes bit-identically.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_keypoint_embedding_learns_and_resumes_bit_identically(bool keypointsOnly)
    {
        var config = Tiny with
        {
            Spec = new NguSpec([3, 5, 5], 3), EmbeddingKeypoints = !keypointsOnly, EmbeddingKeypointsOnly = keypointsOnly, TargetUpdatePeriod = 1000,
            EmbeddingLearningRate = 3e-3,
        };
        using var batch = Batch(config, 3, MovingAgent);
        using var a = NguLearner.Init(config, 2, CPU);
        var first = NguLearner.Update(a, batch).Metrics;
        for (var i = 0; i < 150; i++) NguLearner.Update(a, batch);
        var payload = NguLearner.Save(a);
        using var b = NguLearner.Load(config, payload, CPU);
        var (ma, mb) = (NguLearner.Update(a, batch).Metrics, NguLearner.Update(b, batch).Metrics);
        Assert.Equal(ma.Select(kv => kv.Value), mb.Select(kv => kv.Value));
        Assert.True(ma["action_loss"] < 0.2 * first["action_loss"], $"action loss {first["action_loss"]} -> {ma["action_loss"]}");
    }

    /// <summary>[B, T, 3, 5, 5] frames of one green cell that starts in the centre and moves by each action (0 left, 1 right, 2 up, else down; the grid wraps).</summary>
    static Tensor MovingAgent(Tensor actions)
    {
        var (b, t) = ((int)actions.shape[0], (int)actions.shape[1]);
        var taken = actions.data<long>().ToArray();
        var frames = new float[b * t * 3 * 25];
        for (var i = 0; i < b; i++)
        {
            var (row, column) = (2, 2);
            for (var step = 0; step < t; step++)
            {
                frames[((i * t + step) * 3 + 1) * 25 + row * 5 + column] = 1;
                (row, column) = taken[i * t + step] switch
                {
                    0 => (row, (column + 4) % 5),
                    1 => (row, (column + 1) % 5),
                    2 => ((row + 4) % 5, column),
                    _ => ((row + 1) % 5, column),
                };
            }
        }
        return tensor(frames, [b, t, 3, 5, 5]);
    }

    [Fact]
    public void Target_network_is_a_copy_of_the_online_one_every_period()
    {
        using var batch = Batch(Tiny, 9);
        using var state = NguLearner.Init(Tiny, 3, CPU);
        for (var i = 0; i < Tiny.TargetUpdatePeriod - 1; i++) NguLearner.Update(state, batch);
        Assert.False(SameParameters(state.Online.Q, state.Target.Q));
        NguLearner.Update(state, batch);
        Assert.True(SameParameters(state.Online.Q, state.Target.Q));
    }

    static bool SameParameters(nn.Module a, nn.Module b) =>
        a.parameters().Zip(b.parameters()).All(p => p.Item1.equal(p.Item2).all().item<bool>());

    [Fact]
    public void Plain_r2d2_has_no_intrinsic_networks()
    {
        var config = Tiny with { Intrinsic = NguConfig.None };
        using var batch = Batch(config, 1);
        using var state = NguLearner.Init(config, 1, CPU);
        var metrics = NguLearner.Update(state, batch).Metrics;
        Assert.Null(state.Online.Embedding);
        Assert.DoesNotContain(metrics, kv => kv.Key == "action_loss");
        Assert.Equal(0, config.Beta(1));
    }

    [Fact]
    public void A_batch_of_the_wrong_shape_is_refused_with_the_expected_shape()
    {
        using var batch = Batch(Tiny with { Spec = new NguSpec([5], 3) }, 1);
        using var state = NguLearner.Init(Tiny, 1, CPU);
        var error = Assert.Throws<ArgumentException>(() => NguLearner.Update(state, batch));
        Assert.Contains("expected [4, 8, 4]", error.Message);
    }

    [Fact]
    public void Invalid_configs_name_the_problem()
    {
        var errors = (Tiny with { BurnIn = 8, Policies = 0, Spec = new NguSpec([3, 4], 1), Targets = NguConfig.NStepTarget, RetraceTargetEpsilon = 0.01 }).Validate()
            .Match(_ => "", e => string.Join("; ", e.Select(x => x.Message)));
        Assert.Contains("burn-in (8) must be less than sequence-length (8)", errors);
        Assert.Contains("policies", errors);
        Assert.Contains("at least 2 actions", errors);
        Assert.Contains("[C, H, W] or [D]", errors);
        Assert.Contains("retrace-target-epsilon (0.01) needs targets=retrace", errors);
    }
}

/// <summary>The learner against a problem with a known answer.</summary>
public class NguLearnerConvergence
{
    /// <summary>
    /// A five-step chain with two branches after a shared first state: taking action 1 there leads down a branch where
    /// action 1 throughout earns 1 at the end; action 0 leads to a branch where every action earns nothing (both actions
    /// are replayed there). n-step double Q-learning, or Retrace, must carry the final reward back four steps to the shared state.
    /// The sequences start their episodes, so a burn-in longer than the reward's distance must not hide any step.
    /// </summary>
    [Theory]
    [InlineData(0, NguConfig.NStepTarget)]
    [InlineData(3, NguConfig.NStepTarget)]
    [InlineData(0, NguConfig.RetraceTarget)]
    public void Q_values_carry_a_final_reward_back_to_the_first_step(int burnIn, string targets)
    {
        var config = NguLearnerTests.Tiny with
        {
            Spec = new NguSpec([10], 2), SequenceLength = 5, BurnIn = burnIn, NStep = 2, Targets = targets, BatchSize = 4, TargetUpdatePeriod = 10,
            Intrinsic = NguConfig.None, GammaMax = 0.9, GammaMin = 0.9, Policies = 1,
        };
        using var batch = Chain(config);
        using var state = NguLearner.Init(config, 4, CPU);
        for (var i = 0; i < 300; i++) NguLearner.Update(state, batch);
        using var _ = no_grad();
        var q = state.Online.Q.call(batch.Inputs(0, 5), (batch.InitialH, batch.InitialC)).Q;
        var right = q[0, 0, 1].item<float>();
        var left = q[1, 0, 0].item<float>();
        var expected = ValueRescaling.H(Math.Pow(0.9, 4), 1e-3);
        Assert.True(Math.Abs(right - expected) < 0.05, $"Q(s0, 1) = {right}, expected h(0.9^4) = {expected}");
        Assert.True(Math.Abs(left) < 0.05, $"Q(s0, 0) = {left}, expected 0");
    }

    /// <summary>Sequences: the rewarded branch, the empty branch by action 0, the empty branch by 0 then 1s, the rewarded one again.</summary>
    static SequenceBatch Chain(NguConfig config)
    {
        var (b, t) = (4L, 5L);
        var actions = tensor(new long[,] { { 1, 1, 1, 1, 1 }, { 0, 0, 0, 0, 0 }, { 0, 1, 1, 1, 1 }, { 1, 1, 1, 1, 1 } });
        // Observation: step t of the rewarded branch is one-hot t; of the empty branch one-hot 5 + t; step 0 is shared.
        var index = tensor(new long[,] { { 0, 1, 2, 3, 4 }, { 0, 6, 7, 8, 9 }, { 0, 6, 7, 8, 9 }, { 0, 1, 2, 3, 4 } });
        var observations = nn.functional.one_hot(index, 10).to_type(ScalarType.Float32);
        var previous = actions.roll(1, 1);
        previous[TensorIndex.Colon, 0] = tensor(-1L);
        var extrinsic = zeros(b, t);
        extrinsic[0, 4] = tensor(1f);
        extrinsic[3, 4] = tensor(1f);
        var terminal = zeros(b, t);
        terminal[TensorIndex.Colon, 4] = tensor(1f);
        return new SequenceBatch(observations, actions, previous, extrinsic, zeros(b, t), extrinsic.roll(1, 1), zeros(b, t), terminal,
            ones(b, t), zeros(b, ScalarType.Int64), zeros(b, config.Hidden), zeros(b, config.Hidden), ones(b));
    }
}
