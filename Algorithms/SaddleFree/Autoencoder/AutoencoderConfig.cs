using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.SaddleFree.Autoencoder;

/// <summary>
/// The MNIST deep autoencoder of Dauphin et al.'s section 6 experiment at a CPU scale, and its optimizer. Defaults: SGD
/// with momentum (MSGD, the method that plateaus), batch 100; the reproduction continues from its plateau with
/// saddle-free Newton, damped Newton and more MSGD.
/// </summary>
public sealed record AutoencoderConfig : TrainingOptimizerConfig, IConfig<AutoencoderConfig>
{
    public AutoencoderConfig()
    {
        Optimizer = "msgd";
        LearningRate = 1e-3;
    }

    [Param("encoder widths down to the linear code layer, mirrored by the decoder (Hinton and Salakhutdinov: 1000,500,250,30)")]
    public string Encoder { get; init; } = "128,64,32,8";

    [Param("input features (28 x 28 MNIST pixels)", Min = 1)]
    public int Inputs { get; init; } = 784;

    [Param("images per step (gradient and, for sfn/newton, curvature products)", Min = 1, Max = 60000)]
    public int BatchSize { get; init; } = 100;

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "auto";

    /// <summary>The encoder widths, or null if <see cref="Encoder"/> is not a list of positive integers.</summary>
    public int[]? EncoderWidths()
    {
        var parts = Encoder.Split(',', StringSplitOptions.TrimEntries);
        var widths = parts.Select(p => int.TryParse(p, out var w) && w > 0 && w <= 16384 ? w : 0).ToArray();
        return widths.Length > 0 && widths.All(w => w > 0) ? widths : null;
    }

    public Validation<Error, AutoencoderConfig> Validate()
    {
        var widths = EncoderWidths();
        return ConfigRules.Check(this,
        [
            (widths is not null, $"encoder = '{Encoder}' must be comma-separated widths in [1, 16384], e.g. 128,64,32,8"),
            .. widths is null ? [] : OptimizerRules(DeepAutoencoder.ParameterCount(Inputs, widths)),
        ]);
    }
}
