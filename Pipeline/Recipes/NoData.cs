using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Recipes;

/// <summary>The data section of a recipe whose data settings live in its algorithm's config: no keys.</summary>
public sealed record NoData : IConfig<NoData>
{
    public Validation<Error, NoData> Validate() => ConfigRules.Check(this);
}
