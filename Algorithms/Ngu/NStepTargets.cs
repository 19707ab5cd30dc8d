using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// R2D2's n-step double-Q targets over a sequence (R2D2 section 2.3; irm_ngu.md 2.10):
/// y_t = h( sum_{k&lt;n} gamma^k r_{t+k} + gamma^n h^-1(Q(s_{t+n}, a*; theta-)) ), a* chosen by the online network,
/// for every step t of the sequence. Rewards after a termination are not summed and a terminated target does not
/// bootstrap, so the last steps of an episode get targets too. A window that runs past the sequence's last real step
/// e without a termination (the sequence ends mid-episode, or its episode was truncated) is shortened to bootstrap
/// from e, as rlax's truncated n-step returns do: y_t = h( sum_{k&lt;e-t} gamma^k r_{t+k} + gamma^(e-t) h^-1(Q(s_e, a*)) ).
/// Only e itself then has no target; the agent makes sequences overlap so that the next sequence trains it
/// (NguAgent's check). Otherwise the last n steps of every sequence that ends mid-episode would never be trained.
/// </summary>
public static class NStepTargets
{
    /// <param name="rewards">[B, L] rewards r_t.</param>
    /// <param name="terminal">[B, L] 1 where the episode terminated after step t.</param>
    /// <param name="mask">[B, L] 1 on real steps, 0 on padding.</param>
    /// <param name="gamma">[B] discount of each sequence's policy.</param>
    /// <param name="bootstrap">[B, L] the target network's Q(s_t, a*_t), in the transformed space.</param>
    /// <param name="rescale">h, or the identity.</param>
    /// <param name="unscale">h^-1, or the identity.</param>
    /// <returns>targets and validity, each [B, L].</returns>
    public static (Tensor Targets, Tensor Valid) Compute(Tensor rewards, Tensor terminal, Tensor mask, Tensor gamma, Tensor bootstrap,
        int n, Func<Tensor, Tensor> rescale, Func<Tensor, Tensor> unscale)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n-step targets need n >= 1");
        var length = rewards.shape[1];
        using var scope = NewDisposeScope();
        // Beyond the sequence: no reward, no step to bootstrap from.
        long[] pad = [0, n];
        var (r, d, m, q) = (nn.functional.pad(rewards, pad), nn.functional.pad(terminal, pad), nn.functional.pad(mask, pad), nn.functional.pad(bootstrap, pad));
        var discount = gamma.unsqueeze(1);
        var sum = zeros_like(rewards);
        var alive = ones_like(sum);
        var power = ones_like(discount);
        for (var k = 0; k < n; k++)
        {
            sum = sum.add(alive.mul(power).mul(r.narrow(1, k, length)).mul(m.narrow(1, k, length)));
            alive = alive.mul(d.narrow(1, k, length).neg().add(Scalars.Of(1)));
            power = power.mul(discount);
        }
        var bootstrapMask = m.narrow(1, n, length);
        var full = sum.add(alive.mul(bootstrapMask).mul(power).mul(unscale(q.narrow(1, n, length))));
        // Formable in full: a real step whose target either terminated within n steps or has its bootstrap step.
        var missing = alive.mul(bootstrapMask.neg().add(Scalars.Of(1)));
        var valid = mask.mul(missing.neg().add(Scalars.Of(1)));
        // Otherwise no termination lies between t and the last real step e (padding never terminates), so a real step
        // before e bootstraps from e instead: e - t < n steps of reward, then gamma^(e - t) Q(s_e).
        var last = mask.sum(1, keepdim: true).sub(Scalars.Of(1)).clamp_min(Scalars.Of(0)).to_type(ScalarType.Int64);
        var toLast = last.sub(arange(length, device: mask.device).unsqueeze(0)).to_type(rewards.dtype);
        var truncate = mask.mul(missing).mul(toLast.gt(Scalars.Of(0)).to_type(rewards.dtype));
        var partial = zeros_like(rewards);
        var discountK = ones_like(discount);
        for (var k = 0; k < n; k++)
        {
            partial = partial.add(discountK.mul(r.narrow(1, k, length)).mul(toLast.gt(Scalars.Of(k)).to_type(rewards.dtype)));
            discountK = discountK.mul(discount);
        }
        var lastValue = unscale(bootstrap).gather(1, last);
        var shortened = partial.add(discount.pow(toLast.clamp_min(Scalars.Of(0))).mul(lastValue));
        var targets = rescale(full.mul(truncate.neg().add(Scalars.Of(1))).add(shortened.mul(truncate)));
        return (targets.MoveToOuterDisposeScope(), valid.add(truncate).MoveToOuterDisposeScope());
    }

    /// <summary>R2D2's sequence priority eta max_t |td_t| + (1 - eta) mean_t |td_t| over the valid steps, [B].</summary>
    public static Tensor SequencePriorities(Tensor absoluteTd, Tensor valid, double eta)
    {
        using var scope = NewDisposeScope();
        var masked = absoluteTd.mul(valid);
        var count = valid.sum(1).clamp_min(Scalars.Of(1));
        var priorities = masked.amax(1).mul(Scalars.Of(eta)).add(masked.sum(1).div(count).mul(Scalars.Of(1 - eta)));
        return priorities.MoveToOuterDisposeScope();
    }
}
