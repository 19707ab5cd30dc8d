using Pipeline.Algorithms.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// Saddle-free Newton as an optax-style optimizer, the same shape as <see cref="Optim.Adam"/>: <see cref="Init"/>
/// makes the state, <see cref="Update"/> moves the parameters in place. It needs the loss itself, not only a gradient
/// (it takes Hessian-vector products and evaluates trial points), so <see cref="Update"/> takes a closure that
/// computes the loss from the parameters as they are, like torch.optim.LBFGS's step(closure).
/// One update (Dauphin et al. 2014, Algorithm 1; seq.md 3.3, 3.4):
/// <list type="number">
/// <item>f, g and the graph for products at theta;</item>
/// <item>a curvature model: Lanczos on H (krylov), on H^2 (lanczos-h2), or the full H (exact);</item>
/// <item>for each of <see cref="SaddleFreeConfig.InnerSteps"/>: the step -f(model) g at the damping rule's choice,
/// kept only if the loss is finite and not higher (<see cref="DampingSearch"/>); later inner steps reuse the model
/// with a fresh gradient.</item>
/// </list>
/// At a critical point (g = 0) the step is zero whatever the curvature: saddle-free Newton rescales the gradient and
/// cannot leave an exact saddle; the model is still built, from a random start, to report lambda_min.
/// </summary>
public static class SaddleFree
{
    /// <summary>Checks the config against the parameter count (throws <see cref="ArgumentException"/> naming the field).</summary>
    public static SaddleFreeState Init(SaddleFreeConfig config, IReadOnlyList<Tensor> parameters, int seed)
    {
        var n = ParameterVector.Count(parameters);
        config.ValidateFor(n).IfFail(errors => throw new ArgumentException(string.Join("; ", errors.Select(e => e.Message))));
        return new SaddleFreeState(config.Damping, new Generator((ulong)seed, parameters[0].device));
    }

    /// <summary>
    /// One saddle-free step on <paramref name="parameters"/> (in place). Throws <see cref="NonFiniteLossException"/>, with
    /// the parameters untouched, if the loss, gradient or curvature is not finite at the start.
    /// </summary>
    /// <param name="loss">computes the loss from the parameters as they are now (called several times per step).</param>
    public static Step<SaddleFreeState> Update(SaddleFreeConfig config, SaddleFreeState state, IReadOnlyList<Tensor> parameters, Func<Tensor> loss)
    {
        using var scope = NewDisposeScope();
        var n = ParameterVector.Count(parameters);
        var point = ParameterVector.Flatten(parameters);
        var products = HessianVectorProducts.At(parameters, loss);
        var gradient = products.Gradient;
        var gradientNorm = gradient.norm().item<double>();
        var model = Model(config, products, gradient, gradientNorm, n, state.Random);
        if (!model.Values.All(double.IsFinite))
            throw new NonFiniteLossException("curvature (a Hessian-vector product)", model.Values.First(v => !double.IsFinite(v)));
        state.Steps++;
        state.Products += model.Products;

        var (loss0, current, currentLoss) = (products.Loss, point, products.Loss);
        var (acceptedSteps, nonFinite, evaluations, gradients, rho, damping) = (0, 0, 0, 1, 0.0, state.Damping);
        for (var inner = 0; inner < config.InnerSteps; inner++)
        {
            if (inner > 0)
            {
                (currentLoss, gradient) = LossAndGradient(parameters, loss);
                gradients++;
                if (!double.IsFinite(gradient.norm().item<double>())) break;
            }
            if (gradient.norm().item<double>() == 0) break;
            var outcome = DampingSearch.Step(config, state.Damping, model, gradient, current, currentLoss, parameters, loss);
            (nonFinite, evaluations) = (nonFinite + outcome.NonFinite, evaluations + outcome.Evaluations);
            state.Damping = outcome.NextDamping;
            if (inner == 0) (rho, damping) = (outcome.Rho, outcome.Damping);
            if (!outcome.Accepted) break;
            acceptedSteps++;
            (current, currentLoss) = (outcome.Point, outcome.Loss);
        }
        state.Gradients += gradients;
        state.LossEvaluations += evaluations;
        var tried = gradientNorm > 0;
        if (tried && acceptedSteps > 0) state.Accepted++;
        else if (tried) state.Rejected++;

        return new Step<SaddleFreeState>(state, Metrics.Of(
            ("loss", loss0),
            ("loss_after", currentLoss),
            ("grad_norm", gradientNorm),
            ("min_eigenvalue", model.MinEigenvalue),
            ("max_eigenvalue", model.MaxEigenvalue),
            ("hvps", model.Products),
            ("damping", damping),
            ("accepted", acceptedSteps > 0 ? 1 : 0),
            ("inner_accepted", acceptedSteps),
            ("rejected_non_finite", nonFinite),
            ("rho", rho),
            ("step_norm", current.sub(point).norm().item<double>()),
            ("krylov_dimension", model.Dimension),
            ("loss_evaluations", evaluations)));
    }

    static CurvatureModel Model(SaddleFreeConfig config, HessianVectorProducts products, Tensor gradient, double gradientNorm, long n, Generator random)
    {
        var rule = config.Curvature == "signed" ? StepRule.Signed : StepRule.Absolute;
        if (config.Solver == "exact") return CurvatureModels.Exact(products, n, rule);
        // Lanczos starts from the normalised gradient (Dauphin's reference implementation), so g lies in the subspace.
        var start = gradientNorm > 0 ? gradient : randn(n, ScalarType.Float64, gradient.device, generator: random);
        return config.Solver == "krylov"
            ? CurvatureModels.Krylov(products, start, config.KrylovDimension, config.Reorthogonalize, rule)
            : CurvatureModels.SquaredKrylov(products, start, config.KrylovDimension, config.Reorthogonalize);
    }

    static (double Loss, Tensor Gradient) LossAndGradient(IReadOnlyList<Tensor> parameters, Func<Tensor> loss)
    {
        var f = loss();
        var g = autograd.grad([f], [.. parameters], allow_unused: true)
            .Select((t, i) => t is null || t.IsInvalid ? zeros_like(parameters[i]) : t);
        return (f.to_type(ScalarType.Float64).item<double>(), ParameterVector.Flatten(g));
    }
}
