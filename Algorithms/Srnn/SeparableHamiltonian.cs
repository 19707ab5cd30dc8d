using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// A separable Hamiltonian H(p, q) = K(p) + V(q) (SRNN paper eq. 2): Hamilton's equations need only K'(p) and V'(q).
/// States are batches of rows; p and q are (B x d).
/// </summary>
public interface ISeparableHamiltonian
{
    Tensor KineticGradient(Tensor p);
    Tensor PotentialGradient(Tensor q);
    Tensor Energy(Tensor p, Tensor q);
}

/// <summary>A Hamiltonian given by closed forms (ground truth systems, tests).</summary>
public sealed class AnalyticHamiltonian(
    Func<Tensor, Tensor> kinetic, Func<Tensor, Tensor> kineticGradient,
    Func<Tensor, Tensor> potential, Func<Tensor, Tensor> potentialGradient) : ISeparableHamiltonian
{
    public Tensor KineticGradient(Tensor p) => kineticGradient(p);
    public Tensor PotentialGradient(Tensor q) => potentialGradient(q);
    public Tensor Energy(Tensor p, Tensor q) => kinetic(p).add(potential(q));
}
