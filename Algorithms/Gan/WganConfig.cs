using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Gan;

/// <summary>
/// WGAN with weight clipping (Arjovsky, Chintala, Bottou 2017, Algorithm 1): defaults are the paper's (RMSProp
/// lr 5e-5, c 0.01, m 64, n_critic 5, clipping after each critic update). The authors' code adds 100 critic
/// steps for the first 25 generator steps and every 500th, clamps before each critic step, and offers Adam
/// (gan.md 1.3) — all options.
/// </summary>
public sealed record WganConfig : AdversarialConfig, IConfig<WganConfig>
{
    [Param("weight clipping bound c: critic weights stay in [-c, c]", Min = 0, Max = 100)]
    public double Clip { get; init; } = 0.01;

    [Param("critic updates per generator update (n_critic)", Min = 1, Max = 1000)]
    public int CriticSteps { get; init; } = 5;

    [Param("learning rate alpha of both networks", Min = 1e-9, Max = 1)]
    public double LearningRate { get; init; } = 5e-5;

    [Param("optimizer: rmsprop (paper; PyTorch's), rmsprop-tf (TF1's, the WGAN-GP code's wgan mode) or adam (the code's --adam, beta1 0.5)", OneOf = ["rmsprop", "rmsprop-tf", "adam"])]
    public string Optimizer { get; init; } = "rmsprop";

    [Param("the reference code's schedule: 100 critic steps for the first 25 generator steps and every 500th")]
    public bool ReferenceSchedule { get; init; }

    [Param("clamp before each critic step (reference code) instead of after it (paper)")]
    public bool ClipBeforeStep { get; init; }

    public override int CriticStepsAt(long generatorStep) =>
        ReferenceSchedule && (generatorStep <= 25 || generatorStep % 500 == 0) ? 100 : CriticSteps;

    public Validation<Error, WganConfig> Validate() => ConfigRules.Check(this);
}
