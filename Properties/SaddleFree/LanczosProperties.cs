using FsCheck.Xunit;
using Pipeline.Algorithms.SaddleFree;
using TorchSharp;
using Xunit;
using static Pipeline.Properties.SaddleFree.Functions;
using static TorchSharp.torch;

namespace Pipeline.Properties.SaddleFree;

/// <summary>The Lanczos process with full re-orthogonalisation (seq.md 3.8; tolerances from its float64 calibration).</summary>
public class LanczosProperties
{
    [Property(MaxTest = 30)]
    public bool The_basis_is_orthonormal_and_V_H_Vt_is_the_tridiagonal(ushort seed, byte size, byte steps)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 4 + size % 80;
        var k = 2 + steps % (n - 1);
        var spectrum = CalibrationSpectrum(n, generator);
        var h = Symmetric(spectrum, generator);
        var basis = Lanczos.Run(Times(h), randn(n, ScalarType.Float64, generator: generator), k, reorthogonalize: true);
        var v = basis.Vectors;
        var identity = eye(basis.Dimension, dtype: ScalarType.Float64);
        return basis.Dimension == k
            && MaxAbs(v.matmul(v.t()).sub(identity)) < 1e-12
            && MaxAbs(v.matmul(h).matmul(v.t()).sub(basis.Tridiagonal())) < 1e-12 * 10
            && basis.Beta.All(b => b > 0);
    }

    /// <summary>Cauchy interlacing: every Ritz value lies within [lambda_min(H), lambda_max(H)].</summary>
    [Property(MaxTest = 30)]
    public bool Ritz_values_lie_within_the_spectrum(ushort seed, byte size, byte steps)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 4 + size % 80;
        var k = 2 + steps % (n - 1);
        var spectrum = CalibrationSpectrum(n, generator);
        var basis = Lanczos.Run(Times(Symmetric(spectrum, generator)), randn(n, ScalarType.Float64, generator: generator), k, reorthogonalize: true);
        var ritz = linalg.eigvalsh(basis.Tridiagonal()).data<double>().ToArray();
        return ritz.All(r => r >= spectrum.Min() - 1e-10 && r <= spectrum.Max() + 1e-10);
    }

    /// <summary>The largest relative error of the extreme Ritz values against -5 and 10 after k steps, on the calibration spectrum.</summary>
    static double[] ExtremeErrors(int seed, params int[] ks)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var h = tensor(CalibrationSpectrum(1000, generator), ScalarType.Float64);
        var start = randn(1000, ScalarType.Float64, generator: generator);
        return ks.Select(k =>
        {
            var ritz = linalg.eigvalsh(Lanczos.Run(v => h.mul(v), start, k, reorthogonalize: true).Tridiagonal()).data<double>().ToArray();
            return Math.Max(Math.Abs(ritz[0] + 5) / 5, Math.Abs(ritz[^1] - 10) / 10);
        }).ToArray();
    }

    /// <summary>
    /// The extreme Ritz values converge to the ends of the spectrum as k grows, whatever the draw (H = diag(lambda), n = 1000,
    /// lambda uniform in [-5, -0.1] U [0.1, 10], a random start). Bounds for every draw: 2e-2 at k = 30, 1e-2 at k = 60; over 200
    /// draws we measured at most 1.3e-2 and 6.2e-3 (the gap next to an end is random, and so is the speed).
    /// </summary>
    [Property(MaxTest = 5)]
    public bool Extreme_Ritz_values_converge_for_every_draw(ushort seed)
    {
        var errors = ExtremeErrors(seed, 10, 30, 60);
        return errors[1] < 2e-2 && errors[2] < 1e-2 && errors[2] <= errors[1] + 1e-12 && errors[1] <= errors[0] + 1e-12;
    }

    /// <summary>
    /// seq.md 3.8's calibration (relative error below 1e-2 at k = 30 and 1e-3 at k = 60) holds for the typical draw: the
    /// median over seeds 0-49. Over 200 draws we measured medians 3.9e-3 (k = 30) and 3.5e-4 (k = 60).
    /// </summary>
    [Fact]
    public void Extreme_Ritz_values_converge_as_calibrated_for_the_median_draw()
    {
        var errors = Enumerable.Range(0, 50).Select(seed => ExtremeErrors(seed, 30, 60)).ToArray();
        double Median(int i) => errors.Select(e => e[i]).Order().ElementAt(errors.Length / 2);
        Assert.True(Median(0) < 1e-2, $"k = 30: median {Median(0):G3}");
        Assert.True(Median(1) < 1e-3, $"k = 60: median {Median(1):G3}");
    }

    [Property(MaxTest = 20)]
    public bool With_k_equal_to_n_the_Ritz_values_are_the_spectrum(ushort seed, byte size)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 2 + size % 60;
        var spectrum = CalibrationSpectrum(n, generator).Order().ToArray();
        var basis = Lanczos.Run(Times(Symmetric(spectrum, generator)), randn(n, ScalarType.Float64, generator: generator), n, reorthogonalize: true);
        var ritz = linalg.eigvalsh(basis.Tridiagonal()).data<double>().ToArray();
        return basis.Dimension == n && ritz.Select((r, i) => Math.Abs(r - spectrum[i])).All(e => e < 1e-10);
    }

    /// <summary>
    /// Why re-orthogonalisation is on by default: the plain three-term recurrence (Dauphin et al.'s) loses orthogonality
    /// once Ritz values converge (seq.md 3.8 measured max |V^T V - I| = 0.4 at n = k = 60).
    /// </summary>
    [Fact]
    public void Without_reorthogonalisation_the_basis_loses_orthogonality()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var h = tensor(CalibrationSpectrum(60, generator), ScalarType.Float64);
        var start = randn(60, ScalarType.Float64, generator: generator);
        double Loss(bool reorthogonalize)
        {
            var v = Lanczos.Run(x => h.mul(x), start, 60, reorthogonalize).Vectors;
            return MaxAbs(v.matmul(v.t()).sub(eye(v.shape[0], dtype: ScalarType.Float64)));
        }
        Assert.True(Loss(false) > 1e-2, $"plain recurrence: {Loss(false)}");
        Assert.True(Loss(true) < 1e-12, $"re-orthogonalised: {Loss(true)}");
    }

    /// <summary>
    /// The Hessian-free form's matrix function (seq.md 3.4, 3.8): ||g|| V^T T^-1/2 e_1 converges to A^-1/2 g for SPD A
    /// (n = 40, spectrum in [0.5, 5]); the error falls with k and is below 1e-10 at k = n. Calibrated: 1.4e-2 (k = 5),
    /// 2.7e-4 (10), 1.1e-8 (20).
    /// </summary>
    [Property(MaxTest = 10)]
    public bool The_Lanczos_inverse_square_root_converges_to_the_exact_one(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var spectrum = rand(40, ScalarType.Float64, generator: generator).mul(4.5).add(0.5).data<double>().ToArray();
        var a = Symmetric(spectrum, generator);
        var g = randn(40, ScalarType.Float64, generator: generator);
        var (values, vectors) = linalg.eigh(a);
        var exact = vectors.matmul(values.rsqrt().mul(vectors.t().matmul(g)));
        var errors = new[] { 5, 10, 20, 40 }.Select(k =>
            RelativeError(Lanczos.Run(Times(a), g, k, reorthogonalize: true).ApplyFunction(l => 1 / Math.Sqrt(l), g.norm().item<double>()), exact)).ToArray();
        return errors[0] < 5e-2 && errors[1] < 1e-3 && errors[2] < 1e-6 && errors[3] < 1e-10
            && errors[0] > errors[1] && errors[1] > errors[2];
    }
}
