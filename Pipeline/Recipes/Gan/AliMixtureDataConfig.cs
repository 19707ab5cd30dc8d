using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Recipes.Gan;

/// <summary>The ALI mixture's data (gan.md 4.2) and how many samples its coverage metric uses.</summary>
public sealed record AliMixtureDataConfig : IConfig<AliMixtureDataConfig>
{
    [Param("seed of the fixed 100,000-point training set (the reference draws one set for every run)", Min = 0, Max = int.MaxValue)]
    public int DataSeed { get; init; }

    [Param("generated samples for the mode metrics at each evaluation (ALI: 10,000)", Min = 100, Max = 1000000)]
    public int EvalSamples { get; init; } = 10_000;

    public Validation<Error, AliMixtureDataConfig> Validate() => ConfigRules.Check(this);
}
