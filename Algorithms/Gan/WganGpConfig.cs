using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Gan;

/// <summary>
/// WGAN-GP (Gulrajani et al. 2017, Algorithm 1): defaults are the paper's (lambda 10, n_critic 5, Adam 1e-4 with
/// betas (0, 0.9), m 64). The reference toy code differs: lambda 0.1, beta1 0.5, m 256 (gan.md 2.2) — options.
/// </summary>
public sealed record WganGpConfig : AdversarialConfig, IConfig<WganGpConfig>
{
    [Param("gradient penalty weight lambda (paper 10; toy code 0.1)", Min = 0, Max = 1e6)]
    public double Lambda { get; init; } = 10;

    [Param("critic updates per generator update (n_critic)", Min = 1, Max = 1000)]
    public int CriticSteps { get; init; } = 5;

    [Param("Adam learning rate of both networks (alpha)", Min = 1e-8, Max = 1)]
    public double LearningRate { get; init; } = 1e-4;

    [Param("Adam beta1 (paper 0; toy code 0.5)", Min = 0, Max = 0.999999)]
    public double Beta1 { get; init; }

    [Param("Adam beta2", Min = 0, Max = 0.999999)]
    public double Beta2 { get; init; } = 0.9;

    public override int CriticStepsAt(long generatorStep) => CriticSteps;

    public Validation<Error, WganGpConfig> Validate() => ConfigRules.Check(this);
}
