using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Environments.Data.Toy;

namespace Pipeline.Recipes.Gan;

/// <summary>Which toy distribution an adversarial recipe learns, and how many samples its evaluation uses.</summary>
public sealed record ToyDataConfig : IConfig<ToyDataConfig>
{
    [Param("toy data set (WGAN-GP code, gan.md 2.3)", OneOf = ["8gaussians", "25gaussians", "swissroll"])]
    public string Dataset { get; init; } = "25gaussians";

    [Param("generated and held-out real samples per evaluation (mode metrics, energy distance)", Min = 100, Max = 100000)]
    public int EvalSamples { get; init; } = 2500;

    public ToyDataset Kind => Dataset switch
    {
        "8gaussians" => ToyDataset.EightGaussians,
        "swissroll" => ToyDataset.SwissRoll,
        _ => ToyDataset.TwentyFiveGaussians,
    };

    public Validation<Error, ToyDataConfig> Validate() => ConfigRules.Check(this);
}
