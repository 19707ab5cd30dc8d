using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Urnn;

/// <summary>
/// A recurrent classifier trained on every time step's cross-entropy with RMSProp (uRNN section 5: lr 1e-3, decay
/// 0.9, batch 20; the reference code's RMSProp: square average from 1e-3, no epsilon). Baselines (LSTM, tanh-RNN,
/// IRNN) clip gradients element-wise at 1 as the reference; the uRNN does not clip ("unnecessary").
/// </summary>
public sealed record SequenceLearnerConfig : IConfig<SequenceLearnerConfig>
{
    [Param("model: urnn (unitary evolution), urnn-full (full-capacity W, Cayley steps), lstm, tanh or irnn (the baselines; irnn: identity-initialised ReLU RNN)",
        OneOf = ["urnn", "urnn-full", "lstm", "tanh", "irnn"])]
    public string Model { get; init; } = "urnn";

    [Param("hidden units (paper: copy task uRNN 128 complex, LSTM 40, tanh-RNN 80; adding and MNIST uRNN 512, the others 128)", Min = 1, Max = 8192)]
    public int Hidden { get; init; } = 128;

    [Param("input classes", Min = 1)]
    public int Inputs { get; init; } = 10;

    [Param("outputs: classes for the copy task, 1 for the adding problem", Min = 1)]
    public int Outputs { get; init; } = 9;

    [Param("RMSProp learning rate", Min = 1e-8, Max = 1)]
    public double LearningRate { get; init; } = 1e-3;

    [Param("element-wise gradient clip (0: none; -1: the model's reference value: 1 for lstm, tanh and irnn, none for urnn and urnn-full)", Min = -1, Max = 1e9)]
    public double Clip { get; init; } = -1;

    [Param("modReLU epsilon in |z| + epsilon (reference 1e-5)", Min = 0, Max = 1)]
    public double Epsilon { get; init; } = 1e-5;

    [Param("sequences per batch", Min = 1, Max = 100000)]
    public int BatchSize { get; init; } = 20;

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "auto";

    public bool Unitary => Model is "urnn" or "urnn-full";

    public double EffectiveClip => Clip >= 0 ? Clip : Unitary ? 0 : 1;

    public Validation<Error, SequenceLearnerConfig> Validate() => ConfigRules.Check(this);
}
