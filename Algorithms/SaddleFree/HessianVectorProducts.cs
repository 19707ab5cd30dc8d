using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// The loss f(theta), its gradient g and Hessian-vector products Hv at one point, by double backward (seq.md 3.6):
/// g = grad(f, theta) is taken once with create_graph, then every Hv = grad(g . v, theta) reuses that graph, so a
/// product costs one backward pass through the gradient's graph (Pearlmutter 1994's R-op by reverse over reverse).
/// The true Hessian, not Gauss-Newton: a Gauss-Newton matrix is positive semi-definite and cannot see the negative
/// curvature that saddle-free Newton exists to use.
/// Tensors live in the caller's dispose scope; use within one synchronous update.
/// </summary>
public sealed class HessianVectorProducts
{
    readonly IReadOnlyList<Tensor> parameters;
    readonly Tensor[] gradient;

    HessianVectorProducts(IReadOnlyList<Tensor> parameters, double loss, Tensor[] gradient, Tensor flatGradient)
    {
        this.parameters = parameters;
        this.gradient = gradient;
        Loss = loss;
        Gradient = flatGradient;
    }

    /// <summary>f at the point.</summary>
    public double Loss { get; }

    /// <summary>g at the point, float64, detached.</summary>
    public Tensor Gradient { get; }

    /// <summary>Hessian-vector products computed so far.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Evaluates <paramref name="loss"/> (which must read <paramref name="parameters"/>) and its gradient with the graph
    /// kept for products. Throws <see cref="NonFiniteLossException"/> when either is not finite.
    /// </summary>
    public static HessianVectorProducts At(IReadOnlyList<Tensor> parameters, Func<Tensor> loss)
    {
        var f = loss();
        var value = f.to_type(ScalarType.Float64).item<double>();
        if (!double.IsFinite(value)) throw new NonFiniteLossException("loss", value);
        // retain_graph: the products go through this graph again; TorchSharp does not imply it from create_graph.
        var g = autograd.grad([f], [.. parameters], retain_graph: true, create_graph: true, allow_unused: true)
            .Select((t, i) => t is null || t.IsInvalid ? zeros_like(parameters[i]) : t).ToArray();
        var flat = ParameterVector.Flatten(g);
        var norm = flat.norm().item<double>();
        if (!double.IsFinite(norm)) throw new NonFiniteLossException("gradient norm", norm);
        return new HessianVectorProducts(parameters, value, g, flat);
    }

    /// <summary>H v for a flat float64 <paramref name="v"/>; the result is float64.</summary>
    public Tensor Apply(Tensor v)
    {
        Count++;
        using var scope = NewDisposeScope();
        var pieces = ParameterVector.Split(v, parameters);
        var dot = stack(gradient.Zip(pieces, (g, p) => g.mul(p).sum()).ToList()).sum();
        // A loss linear in theta has a constant gradient: no graph to differentiate, and H = 0.
        if (!dot.requires_grad) return zeros_like(v).MoveToOuterDisposeScope();
        var products = autograd.grad([dot], [.. parameters], retain_graph: true, allow_unused: true)
            .Select((t, i) => t is null || t.IsInvalid ? zeros_like(parameters[i]) : t);
        return ParameterVector.Flatten(products).MoveToOuterDisposeScope();
    }
}
