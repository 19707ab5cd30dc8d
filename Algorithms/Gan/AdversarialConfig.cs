using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Gan;

/// <summary>The networks and data shape shared by GAN, WGAN and WGAN-GP.</summary>
public abstract record AdversarialConfig
{
    [Param("dimension of the generator's noise z ~ N(0, I) (toy code: 2)", Min = 1, Max = 4096)]
    public int NoiseDim { get; init; } = 2;

    [Param("dimension of a data point (2 for the toy sets, 784 for MNIST)", Min = 1)]
    public int DataDim { get; init; } = 2;

    [Param("units per hidden layer of both networks (toy code DIM: 512)", Min = 1, Max = 16384)]
    public int Hidden { get; init; } = 512;

    [Param("hidden layers of both networks (toy code: 3)", Min = 1, Max = 16)]
    public int HiddenLayers { get; init; } = 3;

    [Param("examples per critic and generator batch (m)", Min = 1, Max = 100000)]
    public int BatchSize { get; init; } = 64;

    [Param("generator output: linear (toy sets) or sigmoid (images in [0, 1])", OneOf = ["linear", "sigmoid"])]
    public string GeneratorOutput { get; init; } = "linear";

    [Param("weight initialisation: he-uniform (WGAN-GP code) or pytorch (nn.Linear default)", OneOf = ["he-uniform", "pytorch"])]
    public string Init { get; init; } = "he-uniform";

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "auto";

    /// <summary>Critic (discriminator) updates before generator update <paramref name="generatorStep"/> (1-based).</summary>
    public abstract int CriticStepsAt(long generatorStep);
}
