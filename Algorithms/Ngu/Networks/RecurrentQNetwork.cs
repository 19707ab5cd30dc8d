using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu.Networks;

/// <summary>The inputs of one unroll of the Q-network, each [B, T, ...] (T = 1 when acting).</summary>
public sealed record QInputs(Tensor Observations, Tensor PreviousActions, Tensor PreviousExtrinsic, Tensor PreviousIntrinsic, Tensor Policies);

/// <summary>
/// R2D2's recurrent dueling Q-network with NGU's inputs (R2D2 section 2; NGU section 3, appendix H): the torso's features
/// concatenated with a one-hot of the previous action, the previous extrinsic and intrinsic rewards (log-squashed) and a one-hot of the
/// policy index j (so one network holds all N policies Q(x, a, beta_j)), then an LSTM, then value and advantage heads,
/// Q = V + A - mean(A).
/// </summary>
public sealed class RecurrentQNetwork : nn.Module<QInputs, (Tensor H, Tensor C), (Tensor Q, Tensor H, Tensor C)>
{
    readonly Torso torso;
    readonly LSTM lstm;
    readonly Sequential value, advantage;
    readonly int actions, policies;

    public RecurrentQNetwork(TorsoSpec torsoSpec, int actions, int policies, int hidden, int duelingHidden, Device device)
        : base("r2d2-q")
    {
        (this.actions, this.policies, Hidden) = (actions, policies, hidden);
        torso = new Torso("torso", torsoSpec, device);
        lstm = nn.LSTM(torsoSpec.Features + actions + 2 + policies, hidden, batchFirst: true, device: device);
        value = nn.Sequential(nn.Linear(hidden, duelingHidden, device: device), nn.ReLU(), nn.Linear(duelingHidden, 1, device: device));
        advantage = nn.Sequential(nn.Linear(hidden, duelingHidden, device: device), nn.ReLU(), nn.Linear(duelingHidden, actions, device: device));
        RegisterComponents();
    }

    public int Hidden { get; }

    /// <summary>
    /// sign(r) log(1 + |r|) of a previous reward. The paper feeds rewards raw, but the episodic reward reaches 1/c = 1000
    /// (and times L with RND): raw, such inputs saturate the LSTM's gates and the network stops seeing the observation.
    /// </summary>
    static Tensor Squash(Tensor reward) => reward.sign().mul(reward.abs().log1p());

    /// <summary>Unrolls over [B, T] from the recurrent state (h, c), each [B, Hidden]; returns Q [B, T, A] and the final state.</summary>
    public override (Tensor Q, Tensor H, Tensor C) forward(QInputs x, (Tensor H, Tensor C) state)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (x.Observations.shape[0], x.Observations.shape[1]);
        var features = torso.call(x.Observations.flatten(0, 1)).view(b, t, -1);
        var dtype = features.dtype;
        // Previous action -1 (episode start) becomes an all-zero one-hot. The integer scalar is held for the call (see Scalars).
        using Scalar one = 1L;
        var previous = nn.functional.one_hot(x.PreviousActions.add(one), actions + 1).narrow(-1, 1, actions).to_type(dtype);
        var policy = nn.functional.one_hot(x.Policies, policies).to_type(dtype).unsqueeze(1).expand(b, t, policies);
        var input = cat([features, previous, Squash(x.PreviousExtrinsic).unsqueeze(-1), Squash(x.PreviousIntrinsic).unsqueeze(-1), policy], -1);
        var (output, h, c) = lstm.call(input, (state.H.unsqueeze(0), state.C.unsqueeze(0)));
        var a = advantage.call(output);
        var q = value.call(output).add(a).sub(a.mean([-1], keepdim: true));
        return (q.MoveToOuterDisposeScope(), h.squeeze(0).MoveToOuterDisposeScope(), c.squeeze(0).MoveToOuterDisposeScope());
    }
}
