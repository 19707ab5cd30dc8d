using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Irm;

/// <summary>
/// IRMv1, ERM and the grayscale oracle on Colored MNIST (IRM paper section 5.2, Table 1). The defaults are the
/// paper's IRM run (irm_ngu.md 1.6, from reproduce_paper_results.sh); <see cref="Reference"/> gives the ERM and
/// grayscale rows. The environment fields are the construction of irm_ngu.md 1.4.
/// </summary>
public sealed record IrmConfig : IConfig<IrmConfig>
{
    public const string Irm = "irm", Erm = "erm", Grayscale = "grayscale";
    public const string Float32 = "float32", BFloat16 = "bfloat16";
    public const string ClosedForm = "closed-form", DoubleBackward = "double-backward", Unbiased = "unbiased";

    [Param("irm: ERM plus the IRMv1 penalty; erm: no penalty; grayscale: ERM on the summed channels (the oracle)", OneOf = [Irm, Erm, Grayscale])]
    public string Method { get; init; } = Irm;

    [Param("units in each of the two hidden layers (1.6: 390 IRM, 256 ERM, 83 grayscale)", Min = 1, Max = 8192)]
    public int Hidden { get; init; } = 390;

    [Param("weight of the squared L2 norm of all parameters, biases included (1.5, 1.6)", Min = 0, Max = 10)]
    public double L2Weight { get; init; } = 0.00110794568;

    [Param("Adam learning rate (1.6)", Min = 1e-7, Max = 1)]
    public double LearningRate { get; init; } = 0.0004898536566546834;

    [Param("steps with penalty weight 1 before the full weight applies (1.5, 1.6)", Min = 0)]
    public int PenaltyAnnealIters { get; init; } = 190;

    [Param("IRMv1 penalty weight lambda after annealing; the loss is divided by it when it exceeds 1 (1.5, 1.6)", Min = 0)]
    public double PenaltyWeight { get; init; } = 91257.18613115903;

    [Param("how the penalty is computed: closed form (1.3, one backward), autograd double-backward (the reference), or the unbiased two-half product (1.2)", OneOf = [ClosedForm, DoubleBackward, Unbiased])]
    public string Penalty { get; init; } = ClosedForm;

    [Param("matrix products in float32 (the reference) or bfloat16 with float32 parameters, loss and optimizer (mixed precision, faster on CPUs with bfloat16 instructions)", OneOf = [Float32, BFloat16])]
    public string Precision { get; init; } = Float32;

    [Param("probability that the binary label (digit < 5) is flipped (1.4)", Min = 0, Max = 1)]
    public double LabelNoise { get; init; } = 0.25;

    [Param("colour flip probability of the first training environment (1.4)", Min = 0, Max = 1)]
    public double FirstColorFlip { get; init; } = 0.2;

    [Param("colour flip probability of the second training environment (1.4)", Min = 0, Max = 1)]
    public double SecondColorFlip { get; init; } = 0.1;

    [Param("colour flip probability of the test environment (1.4)", Min = 0, Max = 1)]
    public double TestColorFlip { get; init; } = 0.9;

    [Param("first MNIST training images shuffled into the two training environments (1.4: 50,000)", Min = 2, Max = 59_999)]
    public int TrainSize { get; init; } = 50_000;

    [Param("last MNIST training images forming the test environment (1.4: 10,000)", Min = 1, Max = 59_998)]
    public int TestSize { get; init; } = 10_000;

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "auto";

    /// <summary>Whether the model sees the two channels summed (the grayscale oracle, irm_ngu.md 1.11 #9).</summary>
    public bool IsGrayscale => Method == Grayscale;

    /// <summary>The paper's run of <paramref name="method"/> (irm_ngu.md 1.6); an unknown method gives the IRM row.</summary>
    public static IrmConfig Reference(string method) => method.Trim().ToLowerInvariant() switch
    {
        Erm => new IrmConfig { Method = Erm, Hidden = 256, L2Weight = 0.001, LearningRate = 0.001, PenaltyAnnealIters = 0, PenaltyWeight = 0 },
        Grayscale => new IrmConfig
        {
            Method = Grayscale, Hidden = 83, L2Weight = 0.0008602868865288383, LearningRate = 0.0028171488133821726,
            PenaltyAnnealIters = 0, PenaltyWeight = 0,
        },
        _ => new IrmConfig(),
    };

    /// <summary>Steps of the paper's run of <paramref name="method"/> (irm_ngu.md 1.6: 501, and 101 for the grayscale oracle).</summary>
    public static long ReferenceSteps(string method) => method == Grayscale ? 101 : 501;

    public Validation<Error, IrmConfig> Validate() => ConfigRules.Check(this,
        (Method == Irm || (PenaltyWeight == 0 && PenaltyAnnealIters == 0),
            $"penalty-weight and penalty-anneal-iters apply to method=irm only; method={Method} trains without the penalty (the reference runs it with 0 and 0)"),
        (TrainSize + TestSize <= 60_000,
            $"train-size {TrainSize} plus test-size {TestSize} exceed the 60,000 MNIST training images"));
}
