using Pipeline.Algorithms.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Urnn;

/// <summary>
/// The uRNN's recurrence matrix W = D3 R2 F^-1 D2 Pi R1 F D1 (Arjovsky, Shah, Bengio 2016, section 3; seq.md 1.1),
/// applied to complex row vectors without ever forming W: diagonal phases D_k = diag(e^{i theta_k}), Householder
/// reflections R = I - 2 v v^H / |v|^2, a fixed seeded permutation Pi and the unitary (orthonormally scaled) FFT F.
/// Every factor is unitary, so W is. 7n real parameters: three angle vectors, two complex reflection vectors.
/// </summary>
public sealed class UnitaryMatrix : nn.Module<Tensor, Tensor>
{
    readonly Parameter theta;       // 3 x n angles
    readonly Parameter reflection;  // 2 x 2n: [Re v_k ; Im v_k] for k = 1, 2
    readonly Tensor permutation;    // fixed, registered as a buffer so it is saved with the model

    public UnitaryMatrix(int n, Generator generator, Device device, ScalarType dtype = ScalarType.Float32) : base(nameof(UnitaryMatrix))
    {
        Size = n;
        // Paper's initialisation (section 4.3): angles U[-pi, pi], reflections U[-1, 1] (their scale does not matter).
        theta = new Parameter(empty([3, n], dtype: dtype, device: device).uniform_(-Math.PI, Math.PI, generator));
        reflection = new Parameter(empty([2, 2 * n], dtype: dtype, device: device).uniform_(-1, 1, generator));
        permutation = randperm(n, generator: generator).to(device);
        RegisterComponents();
    }

    public int Size { get; }

    static Tensor Phase(Tensor h, Tensor angles) => h.mul(polar(ones_like(angles), angles));

    /// <summary>h - 2 v (v^H h) / |v|^2 for every row h.</summary>
    Tensor Reflect(Tensor h, int k)
    {
        var v = complex(reflection[k].narrow(0, 0, Size), reflection[k].narrow(0, Size, Size));
        var projection = h.matmul(v.conj().unsqueeze(1)); // (B x 1): v^H h per row
        var scale = v.abs().mul(v.abs()).sum();
        return h.sub(projection.mul(v.unsqueeze(0)).mul(scale.reciprocal().mul(Scalars.Of(2))));
    }

    /// <summary>W h for every row of <paramref name="h"/> (B x n, complex).</summary>
    public override Tensor forward(Tensor h)
    {
        var x = Phase(h, theta[0]);
        x = fft.fft_(x, n: -1, dim: -1, norm: FFTNormType.Ortho);
        x = Reflect(x, 0);
        x = x.index_select(1, permutation);
        x = Phase(x, theta[1]);
        x = fft.ifft(x, n: -1, dim: -1, norm: FFTNormType.Ortho);
        x = Reflect(x, 1);
        return Phase(x, theta[2]);
    }
}
