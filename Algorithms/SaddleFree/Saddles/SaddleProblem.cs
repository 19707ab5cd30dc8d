using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree.Saddles;

/// <summary>
/// A loss f(theta) on a flat float64 parameter vector with a known saddle point, and a start near it (seq.md 3.7's
/// suggested benchmarks). "Escaped" means the loss fell <see cref="EscapeMargin"/> below the saddle's value.
/// </summary>
public abstract class SaddleProblem : IDisposable
{
    public static readonly string[] Names = ["x2-y2", "monkey", "quadratic", "autoencoder", "teacher"];

    public abstract string Name { get; }
    public abstract long Dimension { get; }

    /// <summary>f(theta), differentiable (the optimizers take Hessian-vector products of it).</summary>
    public abstract Tensor Loss(Tensor theta);

    /// <summary>The saddle point the start is near.</summary>
    public virtual Tensor Saddle() => zeros(Dimension, ScalarType.Float64);

    /// <summary>The starting point: the saddle plus <paramref name="perturbation"/> times a standard normal draw, unless the problem fixes its start.</summary>
    public virtual Tensor Start(double perturbation, Generator random)
    {
        using var scope = NewDisposeScope();
        using var scale = perturbation.ToScalar();
        return Saddle().add(randn(Dimension, ScalarType.Float64, generator: random).mul_(scale)).MoveToOuterDisposeScope();
    }

    /// <summary>How far below f(saddle) the loss must fall to count as an escape.</summary>
    public virtual double EscapeMargin => 1.0;

    public virtual void Dispose()
    {
    }

    /// <summary>The number of parameters of problem <paramref name="name"/> (known before any data is drawn, for validation).</summary>
    public static long DimensionOf(string name) => name switch
    {
        "x2-y2" or "monkey" => 2,
        "quadratic" => IndefiniteQuadratic.Size,
        "autoencoder" => TanhAutoencoderAtZero.ParameterCount,
        "teacher" => TeacherStudentAtZero.ParameterCount,
        _ => throw new ArgumentException($"unknown saddle problem '{name}'; one of {string.Join(", ", Names)}"),
    };

    /// <summary>Problem <paramref name="name"/>; its random data (spectrum, inputs, teacher) are drawn from <paramref name="random"/>.</summary>
    public static SaddleProblem Create(string name, Generator random) =>
        name switch
        {
            "x2-y2" => new SquaresSaddle(),
            "monkey" => new MonkeySaddle(),
            "quadratic" => new IndefiniteQuadratic(random),
            "autoencoder" => new TanhAutoencoderAtZero(random),
            "teacher" => new TeacherStudentAtZero(random),
            _ => throw new ArgumentException($"unknown saddle problem '{name}'; one of {string.Join(", ", Names)}"),
        };
}

/// <summary>
/// f = x^2 - y^2 from (1, 0.5), Dauphin et al.'s example (seq.md 3.2): Newton lands exactly on the saddle (0, 0),
/// undamped saddle-free Newton at (0, 1), where f = -1.
/// </summary>
public sealed class SquaresSaddle : SaddleProblem
{
    public override string Name => "x2-y2";
    public override long Dimension => 2;

    public override Tensor Loss(Tensor theta)
    {
        var squares = theta.mul(theta);
        return squares[0].sub(squares[1]);
    }

    public override Tensor Start(double perturbation, Generator random) => tensor(new[] { 1.0, 0.5 }, ScalarType.Float64);
}

/// <summary>
/// The monkey saddle f = x^3 - 3 x y^2 from (0.5, 0.25): a degenerate saddle (H(0) = 0). f is homogeneous of degree 3,
/// so H theta = 2 g and Newton's step is exactly -theta / 2: it converges to the saddle geometrically.
/// </summary>
public sealed class MonkeySaddle : SaddleProblem
{
    public override string Name => "monkey";
    public override long Dimension => 2;

    public override Tensor Loss(Tensor theta)
    {
        var (x, y) = (theta[0], theta[1]);
        return x.mul(x).mul(x).sub(x.mul(y).mul(y).mul(Core.Scalars.Of(3)));
    }

    public override Tensor Start(double perturbation, Generator random) => tensor(new[] { 0.5, 0.25 }, ScalarType.Float64);
}
