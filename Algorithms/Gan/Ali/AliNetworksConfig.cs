using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// What ALI and its GAN baseline share (gan.md 4.2, the ALI code's ali_mixture.py and gan_mixture.py): the decoder
/// G_x(z), a maxout discriminator, the initialisation and one Adam setting for both players. Defaults are the
/// mixture experiment's: decoder 2-400-400-400-400-2 with batch norm and ReLU, 3 maxout layers of 200 units x 5
/// pieces, weights N(0, 0.02), biases 0, Adam 1e-4 with beta1 0.8, batch 100.
/// </summary>
public abstract record AliNetworksConfig
{
    [Param("dimension of a data point x (2 for the mixture, 784 for MNIST)", Min = 1)]
    public int DataDim { get; init; } = 2;

    [Param("dimension of the latent z, prior p(z) = N(0, I) (mixture: 2)", Min = 1, Max = 4096)]
    public int LatentDim { get; init; } = 2;

    [Param("units per hidden layer of the decoder G_x (mixture: 400)", Min = 1, Max = 16384)]
    public int DecoderHidden { get; init; } = 400;

    [Param("hidden layers of the decoder G_x (mixture: 4)", Min = 1, Max = 16)]
    public int DecoderLayers { get; init; } = 4;

    [Param("decoder output: linear (toy data) or sigmoid (pixels in [0, 1])", OneOf = ["linear", "sigmoid"])]
    public string DecoderOutput { get; init; } = "linear";

    [Param("batch normalisation on the hidden layers of the generator networks (the reference's), population statistics for evaluation")]
    public bool BatchNorm { get; init; } = true;

    [Param("batch-norm population update p <- (1 - m) p + m * batch statistic (reference: 0.05)", Min = 0, Max = 1)]
    public double BatchNormMomentum { get; init; } = 0.05;

    [Param("units per maxout layer of the discriminator (mixture: 200)", Min = 1, Max = 16384)]
    public int DiscriminatorHidden { get; init; } = 200;

    [Param("maxout layers of the discriminator (mixture: 3)", Min = 1, Max = 16)]
    public int DiscriminatorLayers { get; init; } = 3;

    [Param("linear pieces per maxout unit (mixture: 5)", Min = 1, Max = 64)]
    public int MaxoutPieces { get; init; } = 5;

    [Param("dropout rate on the inputs of every discriminator layer (mixture: 0, off; image models: 0.2)", Min = 0, Max = 0.95)]
    public double DiscriminatorDropout { get; init; }

    [Param("standard deviation of the Gaussian weight initialisation; biases start at 0 (reference: 0.02)", Min = 1e-6, Max = 10)]
    public double InitStd { get; init; } = 0.02;

    [Param("Adam learning rate of both players (reference: 1e-4)", Min = 1e-8, Max = 1)]
    public double LearningRate { get; init; } = 1e-4;

    [Param("Adam beta1 (mixture reference: 0.8; image models: 0.5)", Min = 0, Max = 0.999999)]
    public double Beta1 { get; init; } = 0.8;

    [Param("Adam beta2", Min = 0, Max = 0.999999)]
    public double Beta2 { get; init; } = 0.999;

    [Param("examples per update (reference: 100; batch normalisation needs at least 2)", Min = 2, Max = 100000)]
    public int BatchSize { get; init; } = 100;

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "auto";
}
