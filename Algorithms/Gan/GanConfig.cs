using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Gan;

/// <summary>
/// The original GAN (Goodfellow et al. 2014) with the two generator costs "Towards Principled Methods for Training
/// GANs" (Arjovsky and Bottou 2017) analyses, and its instance noise (section 3): Gaussian noise of standard
/// deviation sigma added to the real and the generated inputs of the discriminator, annealed linearly to 0 over
/// <see cref="NoiseAnnealSteps"/> generator steps (0: constant). The paper gives no schedule; linear annealing is
/// the common choice. Optimizer defaults are DCGAN's (Adam 2e-4, beta1 0.5), one discriminator step per generator step.
/// </summary>
public sealed record GanConfig : AdversarialConfig, IConfig<GanConfig>
{
    [Param("generator cost: neg-log-d (-log D(G(z)), the non-saturating one) or minimax (log(1 - D(G(z))))", OneOf = ["neg-log-d", "minimax"])]
    public string GeneratorCost { get; init; } = "neg-log-d";

    [Param("discriminator updates per generator update", Min = 1, Max = 1000)]
    public int CriticSteps { get; init; } = 1;

    [Param("Adam learning rate of both networks", Min = 1e-8, Max = 1)]
    public double LearningRate { get; init; } = 2e-4;

    [Param("Adam beta1", Min = 0, Max = 0.999999)]
    public double Beta1 { get; init; } = 0.5;

    [Param("Adam beta2", Min = 0, Max = 0.999999)]
    public double Beta2 { get; init; } = 0.999;

    [Param("instance noise: standard deviation added to both discriminator inputs (0: off)", Min = 0, Max = 100)]
    public double InstanceNoise { get; init; }

    [Param("instance noise falls linearly to 0 over this many generator steps (0: constant)", Min = 0)]
    public long NoiseAnnealSteps { get; init; }

    public override int CriticStepsAt(long generatorStep) => CriticSteps;

    /// <summary>The instance-noise standard deviation at generator step <paramref name="generatorStep"/> (0-based).</summary>
    public double NoiseAt(long generatorStep) =>
        NoiseAnnealSteps == 0 ? InstanceNoise : InstanceNoise * Math.Max(0, 1 - (double)generatorStep / NoiseAnnealSteps);

    public Validation<Error, GanConfig> Validate() => ConfigRules.Check(this);
}
