using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// ALI (Dumoulin et al. 2017, gan.md 4.1): an encoder G_z(x) beside the decoder, a discriminator on joint pairs
/// (x, z). The encoder is stochastic and reparameterised, either as the mixture reference's COVConditional
/// (noise-input: an MLP of concat(x, eps), eps ~ N(0, I) of x's dimension) or as a Gaussian (z = mu(x) +
/// sigma(x) * eps, the image models' form). Encoder defaults: 4-400-400-2 with batch norm and ReLU (gan.md 4.2).
/// </summary>
public sealed record AliConfig : AliNetworksConfig, IConfig<AliConfig>
{
    [Param("encoder G_z(x): noise-input (MLP of concat(x, eps), the mixture reference) or gaussian (mu + sigma * eps)", OneOf = ["noise-input", "gaussian"])]
    public string Encoder { get; init; } = "noise-input";

    [Param("units per hidden layer of the encoder G_z (mixture: 400)", Min = 1, Max = 16384)]
    public int EncoderHidden { get; init; } = 400;

    [Param("hidden layers of the encoder G_z (mixture: 2)", Min = 1, Max = 16)]
    public int EncoderLayers { get; init; } = 2;

    public Validation<Error, AliConfig> Validate() => ConfigRules.Check(this);
}
