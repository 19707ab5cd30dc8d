using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// NGU's transformed Retrace double-Q targets over a sequence (NGU appendix E; irm_ngu.md 2.5), the finite version
/// over the sampled steps:
/// y_t = h( h^-1(Q(x_t, a_t; theta-)) + sum_{s &gt;= t} gamma^(s-t) (prod_{i=t+1..s} c_i) delta_s ),
/// delta_s = r_s + gamma sum_a pi(a|x_{s+1}) h^-1(Q(x_{s+1}, a; theta-)) - h^-1(Q(x_s, a_s; theta-)), pi greedy or
/// epsilon-greedy for the online network, c_i = lambda min(1, pi(a_i|x_i) / mu(a_i|x_i)). The caller gives the
/// bootstrap value (for a greedy pi, Q(x, a*; theta-)) and the truncated ratios min(1, pi/mu): for a greedy pi they
/// are 1 on the online greedy action and 0 otherwise, whatever mu is (never 0 for an epsilon-greedy actor), so a
/// greedy target needs no behaviour probabilities.
/// A termination after step s drops the bootstrap from delta_s and cuts the trace; a delta whose next state is not in
/// the sequence (its end, or padding after a time-limit truncation) cannot be formed: the trace is cut before it and
/// its own step gets no valid target. With every action greedy and lambda = 1 the target is the n-step target
/// reaching the last formable delta; with lambda = 0 it is the one-step target (both tested).
/// </summary>
public static class RetraceTargets
{
    /// <summary>
    /// The bootstrap values and truncated ratios min(1, pi/mu) for a target policy pi epsilon-greedy for the online
    /// network (epsilon 0: greedy, and then <paramref name="behaviour"/> may be null). Values and ratios as
    /// <see cref="Compute"/> takes them.
    /// </summary>
    /// <param name="online">[B, L, A] the online network's Q (only its greedy actions matter).</param>
    /// <param name="target">[B, L, A] the target network's Q, transformed.</param>
    /// <param name="actions">[B, L] the actions taken.</param>
    /// <param name="behaviour">[B, L] mu(a_t | x_t), the probability the actor gave a_t (0 on padding).</param>
    public static (Tensor Bootstrap, Tensor Ratios) TargetPolicy(Tensor online, Tensor target, Tensor actions, Tensor? behaviour,
        double epsilon, Func<Tensor, Tensor> rescale, Func<Tensor, Tensor> unscale)
    {
        if (epsilon is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "the target policy's epsilon must lie in [0, 1]");
        using var scope = NewDisposeScope();
        var greedyActions = online.argmax(-1, keepdim: true);
        var greedyTaken = greedyActions.squeeze(-1).eq(actions).to_type(target.dtype);
        if (epsilon == 0)
            return (target.gather(2, greedyActions).squeeze(-1).MoveToOuterDisposeScope(), greedyTaken.MoveToOuterDisposeScope());
        if (behaviour is null)
            throw new ArgumentException("an epsilon-greedy Retrace target needs the behaviour probabilities mu(a|x); the batch has none", nameof(behaviour));
        var count = target.shape[^1];
        var pi = nn.functional.one_hot(greedyActions.squeeze(-1), count).to_type(target.dtype).mul(Scalars.Of(1 - epsilon)).add(Scalars.Of(epsilon / count));
        var bootstrap = rescale(pi.mul(unscale(target)).sum(-1));
        // Padding has mu = 0: its ratio clamps to 1 and Compute masks it out.
        var ratios = greedyTaken.mul(Scalars.Of(1 - epsilon)).add(Scalars.Of(epsilon / count)).div(behaviour).clamp_max(Scalars.Of(1));
        return (bootstrap.MoveToOuterDisposeScope(), ratios.MoveToOuterDisposeScope());
    }

    /// <param name="rewards">[B, L] rewards r_t.</param>
    /// <param name="terminal">[B, L] 1 where the episode terminated after step t.</param>
    /// <param name="mask">[B, L] 1 on real steps, 0 on padding.</param>
    /// <param name="gamma">[B] discount of each sequence's policy.</param>
    /// <param name="taken">[B, L] the target network's Q(x_t, a_t) for the action taken, in the transformed space.</param>
    /// <param name="bootstrap">[B, L] the target network's value of x_t under pi, transformed: Q(x_t, a*_t) for a greedy
    /// pi, h(sum_a pi(a|x_t) h^-1(Q(x_t, a))) for an epsilon-greedy one.</param>
    /// <param name="ratios">[B, L] min(1, pi(a_t|x_t) / mu(a_t|x_t)); for a greedy pi, 1 where a_t was the online
    /// network's greedy action and 0 elsewhere.</param>
    /// <param name="lambda">Retrace's lambda (NGU: 0.95; Disco Maze 0.97).</param>
    /// <returns>targets and validity, each [B, L].</returns>
    public static (Tensor Targets, Tensor Valid) Compute(Tensor rewards, Tensor terminal, Tensor mask, Tensor gamma, Tensor taken,
        Tensor bootstrap, Tensor ratios, double lambda, Func<Tensor, Tensor> rescale, Func<Tensor, Tensor> unscale)
    {
        if (lambda is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Retrace's lambda must lie in [0, 1]");
        var length = rewards.shape[1];
        using var scope = NewDisposeScope();
        var one = Scalars.Of(1);
        var discount = gamma.unsqueeze(1);
        var continues = terminal.neg().add(one);
        var nextMask = nn.functional.pad(mask, [0, 1]).narrow(1, 1, length);
        var nextValue = nn.functional.pad(unscale(bootstrap), [0, 1]).narrow(1, 1, length);
        // delta_t can be formed when step t is real and it either terminated or its next step is real.
        var formable = mask.mul(terminal.add(continues.mul(nextMask)));
        var delta = rewards.add(discount.mul(continues).mul(nextValue.mul(nextMask))).sub(unscale(taken)).mul(formable);
        // c_{t+1}, already cut where the episode ended at t or delta_{t+1} cannot be formed.
        var nextTrace = nn.functional.pad(ratios.mul(formable), [0, 1]).narrow(1, 1, length).mul(continues).mul(Scalars.Of(lambda));
        var carry = discount.mul(nextTrace);
        var sums = new Tensor[length];
        var running = zeros_like(rewards.select(1, 0));
        for (var t = length - 1; t >= 0; t--)
        {
            running = delta.select(1, t).add(carry.select(1, t).mul(running));
            sums[t] = running;
        }
        var targets = rescale(unscale(taken).add(stack(sums, 1)));
        return (targets.MoveToOuterDisposeScope(), formable.MoveToOuterDisposeScope());
    }
}
