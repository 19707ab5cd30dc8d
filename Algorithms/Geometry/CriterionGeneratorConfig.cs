using System.Globalization;
using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Divergences;
using Pipeline.Algorithms.Gan;

namespace Pipeline.Algorithms.Geometry;

/// <summary>
/// A generator trained by directly minimising a sample criterion between its batch and a real batch
/// ("Geometrical Insights for Implicit Generative Modeling": energy distance, MMD, or the sliced W1 lower bound),
/// with no critic. Adam as WGAN-GP's toy code (1e-4, betas 0.5 and 0.9) so the comparison with it is at equal footing.
/// </summary>
public sealed record CriterionGeneratorConfig : AdversarialConfig, IConfig<CriterionGeneratorConfig>
{
    [Param("training criterion: energy (V-statistic energy distance), mmd (unbiased MMD^2) or sliced (sliced W1)", OneOf = ["energy", "mmd", "sliced"])]
    public string Criterion { get; init; } = "energy";

    [Param("MMD kernel: gaussian (a mixture of bandwidths) or imq (inverse multiquadric)", OneOf = ["gaussian", "imq"])]
    public string Kernel { get; init; } = "gaussian";

    [Param("MMD bandwidths (comma-separated, positive)")]
    public string Bandwidths { get; init; } = "0.02,0.05,0.1,0.2,0.5,1,2";

    [Param("random directions per sliced-W1 evaluation", Min = 1, Max = 100000)]
    public int Slices { get; init; } = 128;

    [Param("Adam learning rate", Min = 1e-8, Max = 1)]
    public double LearningRate { get; init; } = 1e-4;

    [Param("Adam beta1", Min = 0, Max = 0.999999)]
    public double Beta1 { get; init; } = 0.5;

    [Param("Adam beta2", Min = 0, Max = 0.999999)]
    public double Beta2 { get; init; } = 0.9;

    public override int CriticStepsAt(long generatorStep) => 1;

    public double[] BandwidthValues() =>
        Bandwidths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();

    public Kernel KernelFunction() => Kernel == "imq"
        ? Divergences.Kernel.InverseMultiquadric(BandwidthValues())
        : Divergences.Kernel.GaussianMixture(BandwidthValues());

    public Validation<Error, CriterionGeneratorConfig> Validate() => ConfigRules.Check(this,
        (BandwidthValues() is { Length: > 0 } b && b.All(v => v > 0 && double.IsFinite(v)),
         $"bandwidths = '{Bandwidths}' must be a comma-separated list of positive numbers"));
}
