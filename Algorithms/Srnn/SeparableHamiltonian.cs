using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// A vector field of the state z = [p, q]: dp/dt and dq/dt. Both learned models of the SRNN paper are one: the H-NET
/// through Hamilton's equations, the O-NET directly (section 3). States are batches of rows; p and q are (B x d).
/// </summary>
public interface IDynamics
{
    /// <summary>dp/dt at (p, q).</summary>
    Tensor Dp(Tensor p, Tensor q);

    /// <summary>dq/dt at (p, q).</summary>
    Tensor Dq(Tensor p, Tensor q);
}

/// <summary>
/// A separable Hamiltonian H(p, q) = K(p) + V(q) (SRNN paper eq. 2): Hamilton's equations need only K'(p) and V'(q).
/// States are batches of rows; p and q are (B x d).
/// </summary>
public interface ISeparableHamiltonian : IDynamics
{
    /// <summary>K'(p), B x d.</summary>
    Tensor KineticGradient(Tensor p);

    /// <summary>V'(q), B x d.</summary>
    Tensor PotentialGradient(Tensor q);

    /// <summary>H(p, q) per row, B.</summary>
    Tensor Energy(Tensor p, Tensor q);

    Tensor IDynamics.Dp(Tensor p, Tensor q) => PotentialGradient(q).neg();

    Tensor IDynamics.Dq(Tensor p, Tensor q) => KineticGradient(p);
}

/// <summary>A Hamiltonian given by closed forms (ground truth systems, tests).</summary>
public sealed class AnalyticHamiltonian(
    Func<Tensor, Tensor> kinetic, Func<Tensor, Tensor> kineticGradient,
    Func<Tensor, Tensor> potential, Func<Tensor, Tensor> potentialGradient) : ISeparableHamiltonian
{
    /// <inheritdoc/>
    public Tensor KineticGradient(Tensor p) => kineticGradient(p);
    /// <inheritdoc/>
    public Tensor PotentialGradient(Tensor q) => potentialGradient(q);
    /// <inheritdoc/>
    public Tensor Energy(Tensor p, Tensor q) => kinetic(p).add(potential(q));
}
