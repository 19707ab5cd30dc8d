using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree.Saddles;

/// <summary>
/// A two-layer tanh network without biases, x -> W2 tanh(W1 x), fitted by mean squared error to fixed targets. At
/// W1 = W2 = 0 every hidden unit is the same (zero) unit: the gradient vanishes and the Hessian is
/// [[0, B], [B^T, 0]] with B built from the input-target correlation, whose eigenvalues come in +-sigma pairs: a
/// symmetric saddle with negative curvature, where gradient descent plateaus (seq.md 3.7). The start is the saddle
/// plus a small random perturbation.
/// </summary>
public abstract class TanhNetworkAtZero : SaddleProblem
{
    readonly Tensor inputs;
    readonly Tensor targets;
    readonly int hidden;
    readonly double saddleLoss;

    protected TanhNetworkAtZero(Tensor inputs, Tensor targets, int hidden)
    {
        (this.inputs, this.targets, this.hidden) = (inputs, targets, hidden);
        using var zero = zeros(Dimension, ScalarType.Float64);
        using var atSaddle = Loss(zero);
        saddleLoss = atSaddle.item<double>();
    }

    public override long Dimension => hidden * (inputs.shape[1] + targets.shape[1]);

    public override Tensor Loss(Tensor theta)
    {
        var (d, o) = (inputs.shape[1], targets.shape[1]);
        var w1 = theta.narrow(0, 0, hidden * d).reshape(hidden, d);
        var w2 = theta.narrow(0, hidden * d, o * hidden).reshape(o, hidden);
        var error = inputs.matmul(w1.t()).tanh().matmul(w2.t()).sub(targets);
        return error.mul(error).sum(1).mean();
    }

    /// <summary>10% of the loss at the saddle: the network must have learned something to count as escaped.</summary>
    public override double EscapeMargin => 0.1 * saddleLoss;

    public override void Dispose()
    {
        inputs.Dispose();
        targets.Dispose();
    }
}

/// <summary>An autoencoder 6-3-6 (tanh code) on 64 points of rank-2 data: targets are the inputs. 36 parameters.</summary>
public sealed class TanhAutoencoderAtZero : TanhNetworkAtZero
{
    public const int ParameterCount = 3 * (6 + 6);

    public TanhAutoencoderAtZero(Generator random) : this(Draw(random))
    {
    }

    TanhAutoencoderAtZero(Tensor data) : base(data, data.clone(), 3)
    {
    }

    public override string Name => "autoencoder";

    static Tensor Draw(Generator random)
    {
        using var scope = NewDisposeScope();
        var codes = randn([64, 2], ScalarType.Float64, generator: random);
        var mixing = randn([2, 6], ScalarType.Float64, generator: random).div_(Core.Scalars.Of(Math.Sqrt(2)));
        return codes.matmul(mixing).MoveToOuterDisposeScope();
    }
}

/// <summary>A student 4-4-2 learning a random tanh teacher 4-3-2 on 64 Gaussian inputs. 24 parameters.</summary>
public sealed class TeacherStudentAtZero : TanhNetworkAtZero
{
    public const int ParameterCount = 4 * (4 + 2);

    public TeacherStudentAtZero(Generator random) : this(Draw(random))
    {
    }

    TeacherStudentAtZero((Tensor Inputs, Tensor Targets) data) : base(data.Inputs, data.Targets, 4)
    {
    }

    public override string Name => "teacher";

    static (Tensor, Tensor) Draw(Generator random)
    {
        using var scope = NewDisposeScope();
        var x = randn([64, 4], ScalarType.Float64, generator: random);
        var w = randn([3, 4], ScalarType.Float64, generator: random);
        var v = randn([2, 3], ScalarType.Float64, generator: random);
        var y = x.matmul(w.t()).tanh().matmul(v.t());
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
