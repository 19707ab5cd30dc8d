using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Classifier;

/// <summary>Cross-entropy classification with an MLP and Adam, as a pure Init/Update pair.</summary>
/// <summary>The training state: model, Adam moments and the dropout generator. Consumed by every update.</summary>
public sealed class MlpClassifier : IAlgorithm<MlpClassifierConfig, ModelState<MlpClassifierConfig, Mlp>, LabeledBatch>
{
    const string Kind = "mlp-classifier/1";

    public static ModelState<MlpClassifierConfig, Mlp> Init(MlpClassifierConfig config, int seed, Device device)
    {
        var generator = new Generator((ulong)seed, device);
        var model = new Mlp(config.Inputs, config.Hidden, config.Layers, config.Classes, config.Dropout, generator, device)
        {
            DropoutGenerator = generator,
        };
        return ModelState<MlpClassifierConfig, Mlp>.Create(config, model, generator);
    }

    public static Step<ModelState<MlpClassifierConfig, Mlp>> Update(ModelState<MlpClassifierConfig, Mlp> state, LabeledBatch batch)
    {
        using var scope = NewDisposeScope();
        var model = state.Model;
        model.train();
        var parameters = model.parameters().ToList();
        foreach (var p in parameters) p.grad = null;
        var logits = model.call(batch.Inputs);
        var loss = nn.functional.cross_entropy(logits, batch.Labels);
        loss.backward();
        var adamConfig = new AdamConfig(state.Config.LearningRate, state.Config.Beta1, state.Config.Beta2);
        Optim.Adam.Update(adamConfig, state.Adam, parameters);
        double accuracy;
        using (no_grad()) accuracy = logits.argmax(1).eq(batch.Labels).to_type(ScalarType.Float64).mean().item<double>();
        return new Step<ModelState<MlpClassifierConfig, Mlp>>(state, Metrics.Of(("loss", loss.item<float>()), ("accuracy", accuracy)));
    }

    /// <summary>Mean loss and accuracy over a whole split, in evaluation mode (no dropout), in chunks.</summary>
    public static Metrics Evaluate(ModelState<MlpClassifierConfig, Mlp> state, Tensor inputs, Tensor labels, int chunk = 2048)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var model = state.Model;
        model.eval();
        double lossSum = 0, correct = 0;
        var n = inputs.shape[0];
        for (long start = 0; start < n; start += chunk)
        {
            var length = Math.Min(chunk, n - start);
            var x = inputs.narrow(0, start, length);
            var y = labels.narrow(0, start, length);
            var logits = model.call(x);
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64).item<double>();
            correct += logits.argmax(1).eq(y).sum().item<long>();
        }
        return Metrics.Of(("loss", lossSum / n), ("accuracy", correct / n));
    }

    public static byte[] Save(ModelState<MlpClassifierConfig, Mlp> state) => state.Save(Kind);

    public static ModelState<MlpClassifierConfig, Mlp> Load(MlpClassifierConfig config, byte[] payload, Device device) =>
        Init(config, seed: 0, device).Load(Kind, payload);
}
