using Pipeline.Algorithms.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Urnn;

/// <summary>
/// The full-capacity unitary recurrence (Wisdom et al. 2016; seq.md 1.7): W any n x n unitary matrix, stored as its
/// real and imaginary parts and applied as h W to complex row vectors. It is not moved by a gradient step (which
/// would leave the unitary group) but by the multiplicative Cayley step <see cref="CayleyStep"/>, which keeps it
/// unitary up to roundoff with no re-projection.
/// </summary>
public sealed class FullUnitaryMatrix : nn.Module<Tensor, Tensor>
{
    readonly Parameter real;
    readonly Parameter imaginary;

    public FullUnitaryMatrix(int n, Generator generator, Device device, ScalarType dtype = ScalarType.Float32) : base(nameof(FullUnitaryMatrix))
    {
        Size = n;
        // Initialised as the reference: the restricted product at random parameters, formed once from the identity's rows.
        using (var restricted = new UnitaryMatrix(n, generator, device, dtype))
        using (no_grad())
        using (var identity = eye(n, dtype: ComplexOf(dtype), device: device))
        using (var w = restricted.call(identity))
        {
            real = new Parameter(w.real.clone());
            imaginary = new Parameter(w.imag.clone());
        }
        RegisterComponents();
    }

    public int Size { get; }

    /// <summary>W as a complex matrix (a new tensor).</summary>
    public Tensor Matrix() => complex(real, imaginary);

    static ScalarType ComplexOf(ScalarType dtype) => dtype == ScalarType.Float64 ? ScalarType.ComplexFloat64 : ScalarType.ComplexFloat32;

    /// <summary>h W for every row of <paramref name="h"/> (B x n, complex).</summary>
    public override Tensor forward(Tensor h) => h.matmul(Matrix());

    /// <summary>
    /// W ← (I + (λ/2) A)⁻¹ (I − (λ/2) A) W with A = G Wᴴ − W Gᴴ, G = ∂L/∂Re W + i ∂L/∂Im W from the parameters'
    /// <c>.grad</c> (Wisdom et al.'s step with the raw gradient and λ the learning rate). A is skew-Hermitian, so the
    /// factor is a Cayley transform, unitary; its derivative at λ = 0 is −A W, a descent direction
    /// (Re tr(Gᴴ A W) = ‖G‖² − Re tr((Gᴴ W)²) ≥ 0). Does nothing before the first backward pass.
    /// </summary>
    public void CayleyStep(double learningRate)
    {
        if (real.grad is null || imaginary.grad is null) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var w = Matrix();
        var g = complex(real.grad, imaginary.grad);
        var a = g.matmul(w.conj().t()).sub(w.matmul(g.conj().t())).mul(Scalars.Of(learningRate / 2));
        var identity = eye(Size, dtype: w.dtype, device: w.device);
        var next = linalg.solve(identity.add(a), identity.sub(a).matmul(w));
        real.copy_(next.real);
        imaginary.copy_(next.imag);
    }
}
