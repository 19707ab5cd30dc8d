using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// NGU's transformed Retrace double-Q targets over a sequence (NGU appendix E; irm_ngu.md 2.5), the finite version
/// over the sampled steps:
/// y_t = h( h^-1(Q(x_t, a_t; theta-)) + sum_{s &gt;= t} gamma^(s-t) (prod_{i=t+1..s} c_i) delta_s ),
/// delta_s = r_s + gamma h^-1(Q(x_{s+1}, a*_{s+1}; theta-)) - h^-1(Q(x_s, a_s; theta-)), a* greedy for the online
/// network. The target policy is that greedy policy, so c_i = lambda min(1, pi(a_i|x_i) / mu(a_i|x_i)) is lambda when
/// a_i is the online greedy action and 0 otherwise, whatever the behaviour probability mu (it is never 0 for an
/// epsilon-greedy actor): no behaviour probabilities need storing.
/// A termination after step s drops the bootstrap from delta_s and cuts the trace; a delta whose next state is not in
/// the sequence (its end, or padding after a time-limit truncation) cannot be formed: the trace is cut before it and
/// its own step gets no valid target. With every action greedy and lambda = 1 the target is the n-step target
/// reaching the last formable delta; with lambda = 0 it is the one-step target (both tested).
/// </summary>
public static class RetraceTargets
{
    /// <param name="rewards">[B, L] rewards r_t.</param>
    /// <param name="terminal">[B, L] 1 where the episode terminated after step t.</param>
    /// <param name="mask">[B, L] 1 on real steps, 0 on padding.</param>
    /// <param name="gamma">[B] discount of each sequence's policy.</param>
    /// <param name="taken">[B, L] the target network's Q(x_t, a_t) for the action taken, in the transformed space.</param>
    /// <param name="bootstrap">[B, L] the target network's Q(x_t, a*_t), a* greedy for the online network, transformed.</param>
    /// <param name="greedy">[B, L] 1 where a_t was the online network's greedy action.</param>
    /// <param name="lambda">Retrace's lambda (NGU: 0.95; Disco Maze 0.97).</param>
    /// <returns>targets and validity, each [B, L].</returns>
    public static (Tensor Targets, Tensor Valid) Compute(Tensor rewards, Tensor terminal, Tensor mask, Tensor gamma, Tensor taken,
        Tensor bootstrap, Tensor greedy, double lambda, Func<Tensor, Tensor> rescale, Func<Tensor, Tensor> unscale)
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
        var nextTrace = nn.functional.pad(greedy.mul(formable), [0, 1]).narrow(1, 1, length).mul(continues).mul(Scalars.Of(lambda));
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
