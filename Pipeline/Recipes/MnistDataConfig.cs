using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Recipes;

/// <summary>Which part of the real MNIST a recipe trains on.</summary>
public sealed record MnistDataConfig : IConfig<MnistDataConfig>
{
    [Param("training examples used (0: all 60,000); for quick runs", Min = 0, Max = 60000)]
    public int TrainLimit { get; init; }

    public Validation<Error, MnistDataConfig> Validate() => ConfigRules.Check(this);
}
