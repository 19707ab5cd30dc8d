using Pipeline.Algorithms.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

public enum Integrator
{
    /// <summary>Kick-drift-kick Stormer-Verlet (SRNN paper eq. 4): symplectic, reversible, second order.</summary>
    Leapfrog,
    /// <summary>Explicit Euler (eq. 3): neither symplectic nor reversible; energy grows for oscillators.</summary>
    Euler,
    /// <summary>Classical fourth-order Runge-Kutta: accurate but not symplectic; the HNN paper evaluates its models with it.</summary>
    RungeKutta4,
    /// <summary>
    /// The SRNN code's leapfrog (model.py): each step's first kick reuses the step before's last kick, dp/dt at
    /// (p_{t-1/2}, q_t), instead of evaluating it at (p_t, q_t). Identical to <see cref="Leapfrog"/> for a separable H,
    /// whose dp/dt ignores p; for an O-NET it differs from the second step on.
    /// </summary>
    LeapfrogCarriedKick,
}

/// <summary>One integration step and whole trajectories of a separable Hamiltonian system.</summary>
public static class Integrate
{
    /// <summary>
    /// (p, q) after one step of size <paramref name="dt"/>. Leapfrog in its explicit kick-drift-kick form: for a
    /// separable H it is eq. 4; for an O-NET, whose dp/dt may depend on p, the kicks read the field at the half-step
    /// momentum. A single <see cref="Integrator.LeapfrogCarriedKick"/> step is a leapfrog step (it has no kick to carry).
    /// </summary>
    public static (Tensor P, Tensor Q) Step(IDynamics f, Integrator integrator, Tensor p, Tensor q, double dt)
    {
        if (!p.shape.SequenceEqual(q.shape))
            throw new ArgumentException($"p and q must have the same shape (B x d), not p [{string.Join(", ", p.shape)}] and q [{string.Join(", ", q.shape)}]");
        if (integrator == Integrator.RungeKutta4) return RungeKutta4(f, p, q, dt);
        if (integrator == Integrator.Euler)
        {
            using var stepE = dt.ToScalar();
            var dp = f.Dp(p, q).mul(stepE);
            var dq = f.Dq(p, q).mul(stepE);
            return (p.add(dp), q.add(dq));
        }
        using var half = (dt / 2).ToScalar();
        using var step = dt.ToScalar();
        var pHalf = p.add(f.Dp(p, q).mul(half)); // Leapfrog, or the first step of LeapfrogCarriedKick
        var qNext = q.add(f.Dq(pHalf, q).mul(step));
        var pNext = pHalf.add(f.Dp(pHalf, qNext).mul(half));
        return (pNext, qNext);
    }

    static (Tensor P, Tensor Q) RungeKutta4(IDynamics f, Tensor p, Tensor q, double dt)
    {
        using var half = (dt / 2).ToScalar();
        using var sixth = (dt / 6).ToScalar();
        using var two = 2.0.ToScalar();
        var (dp1, dq1) = (f.Dp(p, q), f.Dq(p, q));
        var (p2, q2) = (p.add(dp1.mul(half)), q.add(dq1.mul(half)));
        var (dp2, dq2) = (f.Dp(p2, q2), f.Dq(p2, q2));
        var (p3, q3) = (p.add(dp2.mul(half)), q.add(dq2.mul(half)));
        var (dp3, dq3) = (f.Dp(p3, q3), f.Dq(p3, q3));
        using var step = dt.ToScalar();
        var (p4, q4) = (p.add(dp3.mul(step)), q.add(dq3.mul(step)));
        var (dp4, dq4) = (f.Dp(p4, q4), f.Dq(p4, q4));
        var dp = dp1.add(dp2.mul(two)).add(dp3.mul(two)).add(dp4);
        var dq = dq1.add(dq2.mul(two)).add(dq3.mul(two)).add(dq4);
        return (p.add(dp.mul(sixth)), q.add(dq.mul(sixth)));
    }

    /// <summary>
    /// The trajectory from z0 = [p, q] (B x 2d): T states (T x B x 2d), state 0 the initial one exactly, then T - 1 steps
    /// (the SRNN code's layout).
    /// </summary>
    public static Tensor Trajectory(IDynamics h, Integrator integrator, Tensor z0, int states, double dt)
    {
        if (z0.dim() != 2 || z0.shape[1] % 2 != 0)
            throw new ArgumentException($"z0 must be B x 2d with z = [p, q], not [{string.Join(", ", z0.shape)}]");
        if (states < 1) throw new ArgumentException($"a trajectory needs at least 1 state, not {states}");
        var d = z0.shape[1] / 2;
        var (p, q) = (z0.narrow(1, 0, d), z0.narrow(1, d, d));
        var trajectory = new List<Tensor>(states) { z0 };
        if (integrator == Integrator.LeapfrogCarriedKick) return CarriedKickTrajectory(h, p, q, trajectory, states, dt);
        for (var t = 1; t < states; t++)
        {
            (p, q) = Step(h, integrator, p, q, dt);
            trajectory.Add(cat([p, q], 1));
        }
        return stack(trajectory);
    }

    static Tensor CarriedKickTrajectory(IDynamics f, Tensor p, Tensor q, List<Tensor> trajectory, int states, double dt)
    {
        using var half = (dt / 2).ToScalar();
        using var step = dt.ToScalar();
        var kick = f.Dp(p, q);
        for (var t = 1; t < states; t++)
        {
            var pHalf = p.add(kick.mul(half));
            q = q.add(f.Dq(pHalf, q).mul(step));
            kick = f.Dp(pHalf, q);
            p = pHalf.add(kick.mul(half));
            trajectory.Add(cat([p, q], 1));
        }
        return stack(trajectory);
    }
}
