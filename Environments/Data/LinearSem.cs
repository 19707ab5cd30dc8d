using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Environments.Data;

/// <summary>
/// The chain structural-equation model of the synthetic experiments, as the reference code's ChainEquationModel
/// builds and samples it (irm_ngu.md 1.8), in float64, every draw from the caller's generator:
/// H = e·N(0, 1); Z1 = H·W_hx + e·N(0, 1); Y = Z1·W_xy + H·W_hy + noise; Z2 = Y·W_yz + H·W_hz + noise, where the Y
/// noise is e·N(0, 1) and the Z2 noise N(0, 1) when <see cref="LinearSemSetup.Hetero"/>, and the other way round
/// otherwise. Inputs are [Z1, Z2]·S, the target is the sum of Y's coordinates. Each block has dim/2 coordinates.
/// </summary>
public sealed class LinearSem : IDisposable
{
    readonly Tensor wxy, wyz, whx, why, whz;

    public LinearSem(int dim, LinearSemSetup setup, Generator generator)
    {
        if (dim < 2 || dim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "an even number of inputs, at least 2");
        (Dim, Setup) = (dim, setup);
        var half = dim / 2;
        using var scope = NewDisposeScope();
        Tensor Gaussian() => randn([half, half], dtype: ScalarType.Float64, generator: generator).div_(dim);
        Tensor Identity(int n) => eye(n, dtype: ScalarType.Float64);
        Tensor Zero() => zeros(half, half, dtype: ScalarType.Float64);
        // The reference draws in this order: causal weights, scrambling matrix, hidden weights.
        (wxy, wyz) = setup.Ones ? (Identity(half), Identity(half)) : (Gaussian(), Gaussian());
        Scramble = setup.Scramble ? Orthogonal(dim, generator) : Identity(dim);
        (whx, why, whz) = setup.Hidden ? (Gaussian(), Gaussian(), Gaussian()) : (Identity(half), Zero(), Zero());
        Solution = cat([wxy.sum(1), zeros(half, dtype: ScalarType.Float64)]).view(dim, 1);
        foreach (var t in new[] { wxy, wyz, whx, why, whz, Scramble, Solution }) t.MoveToOuterDisposeScope();
    }

    /// <summary>Q of the QR decomposition of a standard Gaussian matrix, as the reference scrambles.</summary>
    static Tensor Orthogonal(int dim, Generator generator)
    {
        using var square = randn([dim, dim], dtype: ScalarType.Float64, generator: generator);
        var (q, r) = linalg.qr(square);
        r.Dispose();
        return q;
    }

    public int Dim { get; }
    public LinearSemSetup Setup { get; }

    /// <summary>The orthogonal S of X = [Z1, Z2]·S (the identity when unscrambled).</summary>
    public Tensor Scramble { get; }

    /// <summary>The invariant (causal) solution in [Z1, Z2] coordinates: the row sums of W_xy, then zeros.</summary>
    public Tensor Solution { get; }

    /// <summary><paramref name="n"/> samples of environment <paramref name="e"/>: inputs n x dim and targets n x 1.</summary>
    public (Tensor Inputs, Tensor Targets) Sample(int n, double e, Generator generator)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "an environment needs at least one sample");
        if (!(e > 0) || double.IsInfinity(e)) throw new ArgumentOutOfRangeException(nameof(e), e, "the environment's noise scale must be positive and finite");
        using var scope = NewDisposeScope();
        var half = Dim / 2;
        Tensor Noise() => randn([n, half], dtype: ScalarType.Float64, generator: generator);
        var h = Noise().mul_(e);
        var x = h.matmul(whx).add_(Noise().mul_(e));
        var y = x.matmul(wxy).add_(h.matmul(why)).add_(Setup.Hetero ? Noise().mul_(e) : Noise());
        var z = y.matmul(wyz).add_(h.matmul(whz)).add_(Setup.Hetero ? Noise() : Noise().mul_(e));
        var inputs = cat([x, z], 1).matmul(Scramble).MoveToOuterDisposeScope();
        return (inputs, y.sum(1, keepdim: true).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The reference's errors of an estimated solution <paramref name="estimate"/> (dim x 1, in the scrambled input
    /// coordinates): mapped back by S, the mean squared error over the causal coordinates (true weight non-zero)
    /// and over the non-causal ones (true weight zero).
    /// </summary>
    public (double Causal, double NonCausal) Errors(Tensor estimate)
    {
        using var scope = NewDisposeScope();
        var truth = Solution.view(-1);
        var mapped = Scramble.matmul(estimate.to_type(ScalarType.Float64)).view(-1);
        var causal = truth.ne(0);
        double Mse(Tensor mask) => mask.any().item<bool>() ? truth.masked_select(mask).sub(mapped.masked_select(mask)).square().mean().item<double>() : 0;
        return (Mse(causal), Mse(causal.logical_not()));
    }

    public void Dispose()
    {
        foreach (var t in new[] { wxy, wyz, whx, why, whz, Scramble, Solution }) t.Dispose();
    }
}
