using Pipeline.Algorithms.SaddleFree;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Properties.SaddleFree;

/// <summary>Test functions and matrices with known derivatives and spectra, all float64, all from explicit generators.</summary>
static class Functions
{
    /// <summary>A random symmetric n x n matrix Q diag(spectrum) Q^T.</summary>
    public static Tensor Symmetric(double[] spectrum, Generator generator)
    {
        var n = spectrum.Length;
        var (q, _) = linalg.qr(randn([n, n], ScalarType.Float64, generator: generator));
        return q.matmul(diag(tensor(spectrum, ScalarType.Float64))).matmul(q.t());
    }

    /// <summary>n eigenvalues drawn uniformly from [-5, -0.1] U [0.1, 10] (seq.md 3.8's calibration spectrum), both ends included.</summary>
    public static double[] CalibrationSpectrum(int n, Generator generator)
    {
        var u = rand(n, ScalarType.Float64, generator: generator).data<double>().ToArray();
        var values = u.Select((x, i) => i % 3 == 0 ? -5 + 4.9 * x : 0.1 + 9.9 * x).ToArray();
        (values[0], values[1]) = (-5, 10);
        return values;
    }

    /// <summary>Products with a fixed matrix, as the Lanczos operator.</summary>
    public static Func<Tensor, Tensor> Times(Tensor matrix) => v => matrix.matmul(v);

    /// <summary>A small tanh network's loss on fixed data: non-quadratic, with an indefinite Hessian.</summary>
    public static (Tensor Theta, Func<Tensor> Loss) TanhNetwork(Generator generator, int inputs = 3, int hidden = 4)
    {
        var x = randn([16, inputs], ScalarType.Float64, generator: generator);
        var y = randn([16, 1], ScalarType.Float64, generator: generator);
        var theta = randn(hidden * inputs + hidden, ScalarType.Float64, generator: generator).mul_(0.7).requires_grad_();
        Tensor Loss()
        {
            var w1 = theta.narrow(0, 0, hidden * inputs).reshape(hidden, inputs);
            var w2 = theta.narrow(0, hidden * inputs, hidden).reshape(1, hidden);
            var error = x.matmul(w1.t()).tanh().matmul(w2.t()).sub(y);
            return error.mul(error).mean();
        }
        return (theta, Loss);
    }

    /// <summary>The products of <paramref name="loss"/> at the current <paramref name="theta"/>.</summary>
    public static HessianVectorProducts At(Tensor theta, Func<Tensor> loss) => HessianVectorProducts.At([theta], loss);

    public static double MaxAbs(Tensor t) => t.abs().max().item<double>();

    public static double RelativeError(Tensor actual, Tensor expected) =>
        actual.sub(expected).norm().item<double>() / Math.Max(expected.norm().item<double>(), 1e-300);
}
