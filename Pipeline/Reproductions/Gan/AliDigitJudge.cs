using Pipeline.Algorithms.Classifier;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using Pipeline.Environments.Data;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Gan;

/// <summary>
/// The pipeline's reference MNIST classifier (mnist-mlp, about 98% test accuracy), used to judge ALI's images: does a
/// reconstruction G_x(G_z(x)) show the digit x shows, and which digits do the samples show? Pixel error cannot say:
/// ALI's reconstructions aim at the same content, not the same pixels (ALI paper, section 4).
/// </summary>
public sealed class AliDigitJudge(ModelState<MlpClassifierConfig, Mlp> classifier) : IDisposable
{
    public static AliDigitJudge Train(Mnist mnist, int seed, int steps = 3000)
    {
        var config = new MlpClassifierConfig { Device = "cpu" };
        using var train = MnistTensors.From(mnist.Train, CPU);
        var state = MlpClassifier.Init(config, seed, CPU);
        foreach (var batch in ShuffledBatches.ForSteps(train.Images, train.Labels, config.BatchSize, seed, 1, steps))
            using (batch)
                state = MlpClassifier.Update(state, new LabeledBatch(batch.Inputs, batch.Labels)).State;
        return new AliDigitJudge(state);
    }

    /// <summary>The predicted digit of each image (n x 784, pixels in [0, 1]).</summary>
    public Tensor Digits(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        classifier.Model.eval();
        var standardised = images.sub(Scalars.Of(MnistTensors.Mean)).div_(Scalars.Of(MnistTensors.Std));
        return classifier.Model.call(standardised).argmax(1).MoveToOuterDisposeScope();
    }

    public void Dispose() => classifier.Dispose();
}
