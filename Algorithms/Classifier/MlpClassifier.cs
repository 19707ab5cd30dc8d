using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Classifier;

/// <summary>The training state: model, Adam moments and the dropout generator. Consumed by every update.</summary>
public sealed class MlpClassifierState(MlpClassifierConfig config, Mlp model, AdamState adam, Generator generator) : IDisposable
{
    public MlpClassifierConfig Config { get; } = config;
    public Mlp Model { get; } = model;
    public AdamState Adam { get; } = adam;
    public Generator Generator { get; } = generator;

    public void Dispose()
    {
        Model.Dispose();
        Adam.Dispose();
        Generator.Dispose();
    }
}

/// <summary>Cross-entropy classification with an MLP and Adam, as a pure Init/Update pair.</summary>
public sealed class MlpClassifier : IAlgorithm<MlpClassifierConfig, MlpClassifierState, LabeledBatch>
{
    const string Kind = "mlp-classifier/1";

    public static MlpClassifierState Init(MlpClassifierConfig config, int seed, Device device)
    {
        var generator = new Generator((ulong)seed, device);
        var model = new Mlp(config.Inputs, config.Hidden, config.Layers, config.Classes, config.Dropout, generator, device)
        {
            DropoutGenerator = generator,
        };
        return new MlpClassifierState(config, model, Adam.Init(model.parameters().ToList()), generator);
    }

    public static Step<MlpClassifierState> Update(MlpClassifierState state, LabeledBatch batch)
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
        return new Step<MlpClassifierState>(state, Metrics.Of(("loss", loss.item<float>()), ("accuracy", accuracy)));
    }

    /// <summary>Mean loss and accuracy over a whole split, in evaluation mode (no dropout), in chunks.</summary>
    public static Metrics Evaluate(MlpClassifierState state, Tensor inputs, Tensor labels, int chunk = 2048)
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

    public static byte[] Save(MlpClassifierState state)
    {
        using var archive = new TensorArchiveWriter(Kind);
        archive.AddAll("model", state.Model.parameters());
        state.Adam.Save(archive);
        archive.Add("generator", state.Generator);
        return archive.ToArray();
    }

    public static MlpClassifierState Load(MlpClassifierConfig config, byte[] payload, Device device)
    {
        var state = Init(config, seed: 0, device);
        try
        {
            using var archive = new TensorArchiveReader(payload, Kind);
            archive.ReadAllInto("model", state.Model.parameters());
            state.Adam.Load(archive);
            archive.ReadInto("generator", state.Generator);
            return state;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }
}
