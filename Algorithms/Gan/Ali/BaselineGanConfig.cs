using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// The GAN the ALI paper compares with on the mixture (gan.md 4.2, gan_mixture.py): ALI's decoder as the generator,
/// a maxout discriminator on x alone, the same losses, initialisation, Adam setting and simultaneous update.
/// </summary>
public sealed record BaselineGanConfig : AliNetworksConfig, IConfig<BaselineGanConfig>
{
    public Validation<Error, BaselineGanConfig> Validate() => ConfigRules.Check(this);
}
