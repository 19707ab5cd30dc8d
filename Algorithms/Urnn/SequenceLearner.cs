using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Urnn;

/// <summary>
/// A batch of sequences: class indices (B x T, int64) with a target class at every step (B x T, int64) — the copy
/// task —, real inputs (B x T x n_in) with one real target per sequence (B) read at the last step — the adding
/// problem —, or real inputs with one class per sequence (B, int64) read at the last step — pixel MNIST.
/// </summary>
public sealed record SequenceBatch(Tensor Inputs, Tensor Targets) : IDisposable
{
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}

public sealed class SequenceLearnerState(SequenceLearnerConfig config, nn.Module<Tensor, Tensor> network, RmsPropState optimizer, Generator random) : IDisposable
{
    public SequenceLearnerConfig Config { get; } = config;
    public nn.Module<Tensor, Tensor> Network { get; } = network;
    public RmsPropState Optimizer { get; } = optimizer;
    public Generator Random { get; } = random;

    public void Dispose()
    {
        Network.Dispose();
        Optimizer.Dispose();
        Random.Dispose();
    }
}

/// <summary>uRNN (restricted or full capacity), LSTM, tanh-RNN or IRNN trained on the sequence tasks of uRNN section 5 as a pure Init/Update pair.</summary>
public sealed class SequenceLearner : IAlgorithm<SequenceLearnerConfig, SequenceLearnerState, SequenceBatch>
{
    const string Kind = "sequence-learner/1";

    public static SequenceLearnerState Init(SequenceLearnerConfig config, int seed, Device device)
    {
        var random = new Generator((ulong)seed, device);
        nn.Module<Tensor, Tensor> network = config.Unitary
            ? new UnitaryRnn(config.Inputs, config.Hidden, config.Outputs, config.Epsilon, random, device, fullCapacity: config.Model == "urnn-full")
            : new GatedRnn(config.Model, config.Inputs, config.Hidden, config.Outputs, random, device);
        return new SequenceLearnerState(config, network, RmsProp.Init(RmsPropVariant.Urnn, RmsPropParameters(network)), random);
    }

    static IEnumerable<FullUnitaryMatrix> FullUnitary(nn.Module network) => network.modules().OfType<FullUnitaryMatrix>();

    /// <summary>Every parameter but a full-capacity W, which moves by Cayley steps on the unitary group instead.</summary>
    static List<Tensor> RmsPropParameters(nn.Module<Tensor, Tensor> network)
    {
        var manifold = FullUnitary(network).SelectMany(m => m.parameters()).Select(p => p.Handle).ToHashSet();
        return network.parameters().Where(p => !manifold.Contains(p.Handle)).Cast<Tensor>().ToList();
    }

    /// <summary>
    /// Class targets per step: mean cross-entropy over every step and sequence, and the accuracy on the steps whose
    /// target is not blank. One class per sequence: the last step's cross-entropy and accuracy. Real targets: the mean
    /// squared error of the last step's first output (accuracy reported as 0).
    /// </summary>
    public static (Tensor Loss, double Accuracy) Loss(nn.Module<Tensor, Tensor> network, SequenceBatch batch) => LossOf(network.call(batch.Inputs), batch);

    /// <summary><see cref="Loss"/> of outputs already computed (B x T x n_out).</summary>
    public static (Tensor Loss, double Accuracy) LossOf(Tensor logits, SequenceBatch batch)
    {
        if (batch.Targets.dtype != ScalarType.Int64)
            return (nn.functional.mse_loss(logits.select(1, -1).select(1, 0), batch.Targets), 0);
        if (batch.Targets.dim() == 1)
        {
            var last = logits.select(1, -1);
            var sequenceLoss = nn.functional.cross_entropy(last, batch.Targets);
            using var __ = no_grad();
            var right = last.argmax(1).eq(batch.Targets).sum().item<long>();
            return (sequenceLoss, (double)right / Math.Max(1, batch.Targets.shape[0]));
        }
        var classes = logits.shape[2];
        var loss = nn.functional.cross_entropy(logits.reshape(-1, classes), batch.Targets.flatten());
        using var _ = no_grad();
        var symbols = batch.Targets.gt(Scalars.Of(0));
        var correct = logits.argmax(2).eq(batch.Targets).logical_and(symbols).sum().item<long>();
        var count = Math.Max(1, symbols.sum().item<long>());
        return (loss, (double)correct / count);
    }

    public static Step<SequenceLearnerState> Update(SequenceLearnerState state, SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var parameters = state.Network.parameters().ToList();
        foreach (var p in parameters) p.grad = null;
        state.Network.train();
        var (loss, accuracy) = Loss(state.Network, batch);
        loss.backward();
        double gradNorm;
        using (no_grad())
        {
            gradNorm = stack(parameters.Where(p => p.grad is not null).Select(p => ScalarFree.Square(p.grad!.to_type(ScalarType.Float64)).sum()).ToList()).sum().sqrt().item<double>();
            var clip = state.Config.EffectiveClip;
            if (clip > 0)
                foreach (var p in parameters) p.grad?.clamp_(Scalars.Of(-clip), Scalars.Of(clip));
        }
        RmsProp.Update(RmsPropVariant.Urnn, state.Config.LearningRate, state.Optimizer, RmsPropParameters(state.Network));
        foreach (var w in FullUnitary(state.Network)) w.CayleyStep(state.Config.LearningRate);
        return new Step<SequenceLearnerState>(state, Metrics.Of(("loss", loss.item<float>()), ("accuracy", accuracy), ("grad_norm", gradNorm)));
    }

    /// <summary>Sequences evaluated at once: a uRNN's time loop over the whole MNIST test set would not fit in memory.</summary>
    const int EvaluationChunk = 500;

    /// <summary>
    /// Loss and accuracy on <paramref name="batch"/>, in chunks of <see cref="EvaluationChunk"/> sequences weighted by
    /// their size (exact: every sequence of a task has as many steps and scored symbols).
    /// </summary>
    public static Metrics Evaluate(SequenceLearnerState state, SequenceBatch batch)
    {
        state.Network.eval();
        var rows = batch.Inputs.shape[0];
        double loss = 0, accuracy = 0;
        for (long start = 0; start < rows; start += EvaluationChunk)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var count = Math.Min(EvaluationChunk, rows - start);
            var (chunkLoss, chunkAccuracy) = Loss(state.Network, new SequenceBatch(batch.Inputs.narrow(0, start, count), batch.Targets.narrow(0, start, count)));
            loss += (double)chunkLoss.item<float>() * count;
            accuracy += chunkAccuracy * count;
        }
        return Metrics.Of(("loss", loss / rows), ("accuracy", accuracy / rows));
    }

    public static byte[] Save(SequenceLearnerState state)
    {
        using var archive = new TensorArchiveWriter(Kind);
        // Buffers too: the uRNN's permutation is drawn at initialisation from the run's seed.
        archive.AddAll("network", state.Network.parameters()).AddAll("buffers", state.Network.buffers())
            .AddAll("rmsprop", state.Optimizer.SquareAverages).Add("random", state.Random);
        return archive.ToArray();
    }

    public static SequenceLearnerState Load(SequenceLearnerConfig config, byte[] payload, Device device)
    {
        var state = Init(config, 0, device);
        try
        {
            using var archive = new TensorArchiveReader(payload, Kind);
            archive.ReadAllInto("network", state.Network.parameters());
            archive.ReadAllInto("buffers", state.Network.buffers());
            archive.ReadAllInto("rmsprop", state.Optimizer.SquareAverages);
            archive.ReadInto("random", state.Random);
            return state;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }
}
