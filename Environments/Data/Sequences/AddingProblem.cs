using static TorchSharp.torch;

namespace Pipeline.Environments.Data.Sequences;

/// <summary>
/// The adding problem as the uRNN reference generates it (seq.md 1.5): two input channels over T steps, U[0, 1] values
/// and exactly two markers, the first at a uniform index in [0, T/2), the second at T/2 + a uniform index in [0, T/2);
/// the target is the sum of the two marked values, predicted at the last step (mean squared error).
/// </summary>
public static class AddingProblem
{
    /// <summary>Always predicting 1 gives Var(U1 + U2) = 1/6.</summary>
    public const double Baseline = 1.0 / 6;

    /// <returns>(inputs B x T x 2 float32, targets B float32).</returns>
    public static (Tensor Inputs, Tensor Targets) Batch(int batch, int length, Generator generator)
    {
        if (length < 2) throw new ArgumentOutOfRangeException(nameof(length), length, "the sequence length T must be at least 2");
        using var scope = NewDisposeScope();
        var values = rand([batch, length], generator: generator);
        var half = length / 2;
        var first = randint(0, half, [batch, 1], generator: generator);
        var second = randint(0, length - half, [batch, 1], generator: generator).add(half);
        var markers = zeros([batch, length]).scatter_(1, first, ones([batch, 1])).scatter_(1, second, ones([batch, 1]));
        var targets = values.gather(1, first).add(values.gather(1, second)).squeeze(1);
        return (stack([values, markers], 2).MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }
}
