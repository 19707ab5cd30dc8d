using Pipeline.Algorithms.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// Initial state optimisation (SRNN paper section 4.3, App. B-C; seq.md 2.2): with the network frozen, the starting
/// states z0 of a batch of observed trajectories are fitted jointly by L-BFGS to the trajectory MSE, starting from
/// the noisy first observations. The paper's justification is joint maximum likelihood over the weights and z0 under
/// Gaussian noise; for a symplectic flow the problem is locally strongly convex when the residuals are small.
/// </summary>
public static class InitialStateOptimisation
{
    /// <summary>
    /// The fitted z0 (B x 2d, detached) for observations <paramref name="observed"/> (T x B x 2d) after at most
    /// <paramref name="iterations"/> L-BFGS iterations (the paper: 10 in training), from <paramref name="start"/>
    /// (B x 2d; the paper's choice, the first observations, when null). With <paramref name="lineSearch"/> each
    /// direction is searched (<see cref="Lbfgs"/>); without it the steps are torch.optim.LBFGS's unit steps (<see cref="FixedStepLbfgs"/>).
    /// With <paramref name="chunk"/> &gt; 0 the objective and its gradient are computed <paramref name="chunk"/>
    /// trajectories at a time, so that a joint fit of every training window (the paper's per-epoch refit) never holds
    /// the whole set's rollout graph; the fit is the same one, up to round-off.
    /// </summary>
    public static Tensor Fit(ITrajectoryModel model, Tensor observed, int iterations, Integrator integrator, double dt, Tensor? start = null,
        bool lineSearch = false, int chunk = 0)
    {
        if (observed.dim() != 3) throw new ArgumentException($"observations must be T x B x 2d, not of shape [{string.Join(", ", observed.shape)}]");
        if (iterations < 1) throw new ArgumentException($"L-BFGS iterations must be at least 1, not {iterations}");
        var weights = model is nn.Module module ? module.parameters().Where(p => p.requires_grad).ToList() : [];
        // Frozen network: its weights must neither move nor collect gradients while z0 is fitted.
        foreach (var w in weights) w.requires_grad_(false);
        try
        {
            using var outer = NewDisposeScope();
            var target = observed.detach();
            var states = (int)observed.shape[0];
            Tensor Whole(Tensor z) => nn.functional.mse_loss(model.Rollout(z, states, integrator, dt), target);
            Func<Tensor, Tensor> Objective = chunk > 0 && observed.shape[1] > chunk ? z => InChunks(model, z, target, integrator, dt, chunk) : Whole;
            var fitted = lineSearch
                ? Lbfgs.Minimize(Objective, start ?? observed[0], new Lbfgs.Options(Iterations: iterations)).Minimiser
                : FixedStepLbfgs.Minimize(Objective, start ?? observed[0], iterations);
            return fitted.MoveToOuterDisposeScope();
        }
        finally
        {
            foreach (var w in weights) w.requires_grad_(true);
        }
    }

    /// <summary>
    /// The trajectory MSE of rollouts from <paramref name="z"/> (B x 2d) against <paramref name="target"/>, summed
    /// chunk by chunk (each chunk's graph freed before the next), returned as a tensor whose value is the MSE and whose
    /// gradient with respect to <paramref name="z"/> is the accumulated one.
    /// </summary>
    static Tensor InChunks(ITrajectoryModel model, Tensor z, Tensor target, Integrator integrator, double dt, int chunk)
    {
        var (states, count) = ((int)target.shape[0], z.shape[0]);
        var gradient = zeros_like(z);
        var total = 0.0;
        for (long first = 0; first < count; first += chunk)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(chunk, count - first);
            var piece = z.narrow(0, first, length).detach().requires_grad_(true);
            var error = model.Rollout(piece, states, integrator, dt).sub(target.narrow(1, first, length));
            var sum = error.mul(error).sum();
            var pieceGradient = autograd.grad([sum], [piece])[0];
            using (no_grad()) gradient.narrow(0, first, length).copy_(pieceGradient);
            total += sum.to_type(ScalarType.Float64).item<double>();
        }
        using Scalar scale = 1.0 / target.numel(), mean = total / target.numel(); // per-call values, held for the calls (see Scalars)
        // linear - linear.detach() is exactly 0 with gradient `gradient * scale`; adding the MSE gives both.
        var linear = z.mul(gradient.mul(scale)).sum();
        return linear.sub(linear.detach()).add(mean);
    }

    /// <summary>
    /// The trajectory MSE of each rollout from <paramref name="z0"/> (B x 2d) against <paramref name="observed"/>
    /// (T x B x 2d), B values as float64, computed <paramref name="chunk"/> trajectories at a time.
    /// </summary>
    public static Tensor Losses(ITrajectoryModel model, Tensor z0, Tensor observed, Integrator integrator, double dt, int chunk)
    {
        var count = z0.shape[0];
        var losses = zeros(count, dtype: ScalarType.Float64, device: z0.device);
        for (long first = 0; first < count; first += chunk)
        {
            using var scope = NewDisposeScope();
            using var enabled = enable_grad();
            var length = Math.Min(chunk, count - first);
            var error = model.Rollout(z0.narrow(0, first, length).detach(), (int)observed.shape[0], integrator, dt).detach().sub(observed.narrow(1, first, length));
            using (no_grad()) losses.narrow(0, first, length).copy_(error.mul(error).mean([0, 2]).to_type(ScalarType.Float64));
        }
        return losses;
    }

    /// <summary>The trajectory MSE of the rollout from <paramref name="z0"/> against <paramref name="observed"/>.</summary>
    public static double Loss(ITrajectoryModel model, Tensor z0, Tensor observed, Integrator integrator, double dt)
    {
        using var scope = NewDisposeScope();
        using var enabled = enable_grad();
        return nn.functional.mse_loss(model.Rollout(z0, (int)observed.shape[0], integrator, dt), observed).detach().cpu().to_type(ScalarType.Float64).item<double>();
    }
}
