using static TorchSharp.torch;

namespace Pipeline.Environments.Data.Sequences;

/// <summary>
/// The copying memory task exactly as the uRNN reference generates it (seq.md 1.5): inputs of length T + 20 are 10
/// uniform data symbols (1..8), T - 1 blanks (0), a delimiter (9) and 10 blanks; targets are T + 10 blanks then the
/// 10 data symbols. 10 input classes, 9 output classes.
/// </summary>
public static class CopyMemory
{
    public const int Symbols = 10, InputClasses = 10, OutputClasses = 9, Delimiter = 9;

    /// <summary>The memoryless baseline's cross-entropy, 10 ln 8 / (T + 20): blanks right, the data guessed uniformly.</summary>
    public static double Baseline(int delay) => Symbols * Math.Log(8) / (delay + 20);

    /// <returns>(inputs, targets), each B x (T + 20) int64.</returns>
    public static (Tensor Inputs, Tensor Targets) Batch(int batch, int delay, Generator generator)
    {
        if (delay < 1) throw new ArgumentOutOfRangeException(nameof(delay), delay, "the delay T must be at least 1");
        var length = delay + 20;
        var data = randint(1, 9, [batch, Symbols], generator: generator);
        var inputs = zeros([batch, length], dtype: ScalarType.Int64);
        var targets = zeros([batch, length], dtype: ScalarType.Int64);
        inputs.narrow(1, 0, Symbols).copy_(data);
        inputs.select(1, delay + 9).fill_(Delimiter);
        targets.narrow(1, delay + 10, Symbols).copy_(data);
        data.Dispose();
        return (inputs, targets);
    }
}
