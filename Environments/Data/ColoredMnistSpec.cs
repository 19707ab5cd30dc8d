namespace Pipeline.Environments.Data;

/// <summary>
/// How Colored MNIST is built; the defaults are the reference code's (irm_ngu.md 1.4): the first 50,000 training
/// images shuffled and split by even/odd index into two environments with colour flip 0.2 and 0.1, the last
/// 10,000 as the test environment with colour flip 0.9, label noise 0.25.
/// </summary>
public sealed record ColoredMnistSpec(
    double LabelNoise = 0.25,
    double FirstColorFlip = 0.2,
    double SecondColorFlip = 0.1,
    double TestColorFlip = 0.9,
    int TrainSize = 50_000,
    int TestSize = 10_000)
{
    /// <summary>Throws for a probability outside [0, 1] (or NaN), an empty environment, or more images than <paramref name="available"/>.</summary>
    public void Check(int available)
    {
        foreach (var (name, p) in new[] { (nameof(LabelNoise), LabelNoise), (nameof(FirstColorFlip), FirstColorFlip), (nameof(SecondColorFlip), SecondColorFlip), (nameof(TestColorFlip), TestColorFlip) })
            if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(name, p, $"{name} is a probability and must lie in [0, 1]");
        if (TrainSize < 2) throw new ArgumentOutOfRangeException(nameof(TrainSize), TrainSize, "at least 2 training images, so that neither training environment is empty");
        if (TestSize < 1) throw new ArgumentOutOfRangeException(nameof(TestSize), TestSize, "the test environment must not be empty");
        if (TrainSize + TestSize > available)
            throw new ArgumentOutOfRangeException(nameof(TrainSize), TrainSize, $"{TrainSize} training plus {TestSize} test images, but the source has only {available}");
    }
}
