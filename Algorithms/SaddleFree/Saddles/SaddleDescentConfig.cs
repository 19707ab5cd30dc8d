using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.SaddleFree.Saddles;

/// <summary>
/// One optimizer on one saddle problem (seq.md 3.7): which problem, how far from its saddle to start, and the
/// optimizer. Defaults: exact saddle-free Newton on x^2 - y^2 from Dauphin's (1, 0.5).
/// </summary>
public sealed record SaddleDescentConfig : TrainingOptimizerConfig, IConfig<SaddleDescentConfig>
{
    public SaddleDescentConfig()
    {
        Solver = "exact";
        KrylovDimension = 2;
        LearningRate = 0.1;
    }

    [Param("problem: x2-y2, monkey (x^3 - 3xy^2), quadratic (random indefinite, n = 20), autoencoder (tanh 6-3-6 at zero), teacher (tanh 4-4-2 at zero)",
        OneOf = ["x2-y2", "monkey", "quadratic", "autoencoder", "teacher"])]
    public string Problem { get; init; } = "x2-y2";

    [Param("standard deviation of the random offset from the saddle (quadratic and networks; the 2-D problems have fixed starts)", Min = 0, Max = 10)]
    public double Perturbation { get; init; } = 1e-3;

    public Validation<Error, SaddleDescentConfig> Validate() =>
        ConfigRules.Check(this, [.. SaddleProblem.Names.Contains(Problem) ? OptimizerRules(SaddleProblem.DimensionOf(Problem)) : []]);
}
