using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Irm;

/// <summary>The training state: the MLP, Adam's moments and step count (the reference's step index), the generator of the unbiased penalty's splits.</summary>
public sealed class IrmState(IrmConfig config, IrmMlp model, AdamState adam, Generator generator) : IDisposable
{
    public IrmConfig Config { get; } = config;
    public IrmMlp Model { get; } = model;
    public AdamState Adam { get; } = adam;
    public Generator Generator { get; } = generator;

    public void Dispose()
    {
        Model.Dispose();
        Adam.Dispose();
        Generator.Dispose();
    }
}

/// <summary>
/// IRMv1 on Colored MNIST as the reference trains it (irm_ngu.md 1.5), with ERM and the grayscale oracle as the
/// same loop without the penalty. One update is one full-batch step over every training environment:
/// loss = mean_e nll_e + l2 · Σ‖θ‖² + λ_t · mean_e penalty_e, λ_t = 1 before <see cref="IrmConfig.PenaltyAnnealIters"/>
/// updates and <see cref="IrmConfig.PenaltyWeight"/> after, the loss divided by λ_t when λ_t &gt; 1; one Adam step.
/// The metrics describe the model before the update, as the reference prints them: nll, acc (means over the
/// training environments), penalty (the full-batch squared gradient), and test_nll, test_acc, test_penalty when the
/// batch carries the test environment.
/// </summary>
public sealed class InvariantRiskMinimization : IAlgorithm<IrmConfig, IrmState, IrmBatch>
{
    const string Kind = "irm-colored-mnist/1";

    /// <summary>Colored MNIST: two channels of 14 x 14 pixels (irm_ngu.md 1.4).</summary>
    public const int Channels = 2, Pixels = 14 * 14;

    public static IrmState Init(IrmConfig config, int seed, Device device)
    {
        var generator = new Generator((ulong)seed, device);
        var compute = config.Precision == IrmConfig.BFloat16 ? ScalarType.BFloat16 : (ScalarType?)null;
        var model = new IrmMlp(Channels, Pixels, config.Hidden, config.IsGrayscale, generator, device, compute);
        return new IrmState(config, model, Optim.Adam.Init(model.parameters().ToList()), generator);
    }

    /// <summary>λ_t of the reference: the full weight from update <see cref="IrmConfig.PenaltyAnnealIters"/> on, 1 before; 0 for ERM and the oracle.</summary>
    public static double PenaltyWeightAt(IrmConfig config, long update) =>
        config.Method != IrmConfig.Irm ? 0.0
        : update >= config.PenaltyAnnealIters ? config.PenaltyWeight
        : 1.0;

    public static Step<IrmState> Update(IrmState state, IrmBatch batch)
    {
        if (batch.Train.Count == 0) throw new ArgumentException("IRM needs at least one training environment", nameof(batch));
        using var scope = NewDisposeScope();
        var config = state.Config;
        var model = state.Model;
        var parameters = model.parameters().ToList();
        foreach (var p in parameters) p.grad = null;
        var weight = PenaltyWeightAt(config, state.Adam.Steps);

        var nll = new List<Tensor>();
        var penalties = new List<Tensor>();
        double accuracy = 0, loggedPenalty = 0;
        foreach (var environment in batch.Train)
        {
            var logits = model.call(environment);
            nll.Add(nn.functional.binary_cross_entropy_with_logits(logits, environment.Labels));
            if (weight != 0) penalties.Add(IrmPenalty.Of(config.Penalty, logits, environment.Labels, state.Generator));
            using (no_grad())
            {
                accuracy += Accuracy(logits, environment.Labels);
                loggedPenalty += IrmPenalty.ClosedForm(logits, environment.Labels).item<float>();
            }
        }
        // The test environment is seen by the same model as the training metrics: before the update.
        var test = batch.Test is { } testEnvironment ? Evaluate(model, testEnvironment) : null;
        var trainNll = stack(nll).mean();
        var weightNorm = parameters.Select(p => p.square().sum()).Aggregate((a, b) => a.add(b));
        var loss = trainNll.add(weightNorm.mul(config.L2Weight));
        if (weight != 0) loss = loss.add(stack(penalties).mean().mul(weight));
        // The reference rescales so that the gradients stay in a reasonable range once lambda is large.
        if (weight > 1) loss = loss.div(weight);
        loss.backward();
        Optim.Adam.Update(new AdamConfig(config.LearningRate), state.Adam, parameters);

        var count = batch.Train.Count;
        var metrics = new List<(string, double)>
        {
            ("loss", loss.item<float>()), ("nll", trainNll.item<float>()), ("acc", accuracy / count),
            ("penalty", loggedPenalty / count), ("penalty_weight", weight),
        };
        if (test is not null) metrics.AddRange(test.Select(m => ("test_" + m.Key, m.Value)));
        return new Step<IrmState>(state, Metrics.Of([.. metrics]));
    }

    /// <summary>nll, acc and penalty of one environment, without gradients.</summary>
    public static Metrics Evaluate(IrmMlp model, IrmEnvironment environment)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = model.call(environment);
        return Metrics.Of(
            ("nll", nn.functional.binary_cross_entropy_with_logits(logits, environment.Labels).item<float>()),
            ("acc", Accuracy(logits, environment.Labels)),
            ("penalty", IrmPenalty.ClosedForm(logits, environment.Labels).item<float>()));
    }

    /// <summary>The reference's mean_accuracy: predict 1 when the logit is positive.</summary>
    static double Accuracy(Tensor logits, Tensor labels) =>
        logits.gt(0).to_type(labels.dtype).eq(labels).to_type(ScalarType.Float64).mean().item<double>();

    public static byte[] Save(IrmState state)
    {
        using var archive = new TensorArchiveWriter(Kind);
        archive.AddAll("model", state.Model.parameters());
        state.Adam.Save(archive);
        archive.Add("generator", state.Generator);
        return archive.ToArray();
    }

    public static IrmState Load(IrmConfig config, byte[] payload, Device device)
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
