using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Classifier;

/// <summary>A multilayer perceptron classifier trained with cross-entropy and Adam: the pipeline's first recipe.</summary>
public sealed record MlpClassifierConfig : IConfig<MlpClassifierConfig>
{
    [Param("input features (28 x 28 MNIST pixels)", Min = 1)]
    public int Inputs { get; init; } = 784;

    [Param("classes", Min = 2)]
    public int Classes { get; init; } = 10;

    [Param("units in each hidden layer", Min = 1, Max = 16384)]
    public int Hidden { get; init; } = 256;

    [Param("hidden layers", Min = 1, Max = 16)]
    public int Layers { get; init; } = 2;

    [Param("dropout probability on hidden units (seeded, from the state's generator)", Min = 0, Max = 0.95)]
    public double Dropout { get; init; } = 0.1;

    [Param("Adam learning rate", Min = 1e-7, Max = 1)]
    public double LearningRate { get; init; } = 1e-3;

    [Param("Adam beta1", Min = 0, Max = 0.999999)]
    public double Beta1 { get; init; } = 0.9;

    [Param("Adam beta2", Min = 0, Max = 0.999999)]
    public double Beta2 { get; init; } = 0.999;

    [Param("examples per batch", Min = 1, Max = 60000)]
    public int BatchSize { get; init; } = 128;

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "auto";

    public Validation<Error, MlpClassifierConfig> Validate() => ConfigRules.Check(this);
}
