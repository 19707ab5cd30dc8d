using Pipeline.Algorithms.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree.Autoencoder;

/// <summary>Images (N x 784, float32 in [0, 1]) on the run's device; owned by whoever holds it.</summary>
public sealed record ImageBatch(Tensor Images) : IDisposable
{
    public void Dispose() => Images.Dispose();
}

/// <summary>The autoencoder, its optimizer and the step count. Consumed by every update.</summary>
public sealed class AutoencoderState(AutoencoderConfig config, DeepAutoencoder model, ClosureOptimizer optimizer) : IDisposable
{
    public AutoencoderConfig Config { get; } = config;
    public DeepAutoencoder Model { get; } = model;
    public ClosureOptimizer Optimizer { get; } = optimizer;
    public long Steps { get; internal set; }

    public IReadOnlyList<Tensor> Parameters => [.. Model.parameters()];

    public void Dispose()
    {
        Model.Dispose();
        Optimizer.Dispose();
    }
}

/// <summary>
/// Training the deep autoencoder on the squared reconstruction error per image, sum over pixels of (x^ - x)^2
/// averaged over the batch (the error Hinton and Salakhutdinov, Martens and Dauphin et al. report), with any
/// <see cref="TrainingOptimizerConfig"/> optimizer. <see cref="InitFrom"/> starts from another run's weights (the
/// plateau the continuations share) with a fresh optimizer.
/// </summary>
public sealed class AutoencoderTraining : IAlgorithm<AutoencoderConfig, AutoencoderState, ImageBatch>
{
    const string Kind = "sfn-autoencoder/1";

    public static AutoencoderState Init(AutoencoderConfig config, int seed, Device device)
    {
        using var generator = new Generator((ulong)seed, device);
        var model = new DeepAutoencoder(config.Inputs, config.EncoderWidths() ?? throw new ArgumentException($"encoder = '{config.Encoder}' is not a list of widths"), generator, device);
        return new AutoencoderState(config, model, ClosureOptimizer.Create(config, [.. model.parameters()], seed));
    }

    /// <summary>A fresh optimizer on the weights saved in <paramref name="checkpoint"/> by any autoencoder run of the same shape.</summary>
    public static AutoencoderState InitFrom(AutoencoderConfig config, int seed, Device device, byte[] checkpoint)
    {
        var state = Init(config, seed, device);
        try
        {
            using var archive = new TensorArchiveReader(checkpoint, Kind);
            archive.ReadLong("steps");
            archive.ReadAllInto("model", state.Parameters);
            return state;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }

    /// <summary>Mean over the batch of the per-image sum of squared pixel errors.</summary>
    public static Tensor Loss(DeepAutoencoder model, Tensor images)
    {
        var error = model.call(images).sub(images);
        return error.mul(error).sum(1).mean();
    }

    public static Step<AutoencoderState> Update(AutoencoderState state, ImageBatch batch)
    {
        state.Model.train();
        var metrics = state.Optimizer.Step(() => Loss(state.Model, batch.Images));
        state.Steps++;
        return new Step<AutoencoderState>(state, metrics);
    }

    /// <summary>The squared error per image over <paramref name="images"/>, in chunks, accumulated in float64.</summary>
    public static double Evaluate(AutoencoderState state, Tensor images, int chunk = 2000)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        state.Model.eval();
        var sum = 0.0;
        var n = images.shape[0];
        for (long start = 0; start < n; start += chunk)
        {
            var x = images.narrow(0, start, Math.Min(chunk, n - start));
            var error = state.Model.call(x).sub(x);
            sum += error.mul(error).sum().to_type(ScalarType.Float64).item<double>();
        }
        return sum / n;
    }

    /// <summary>
    /// Extreme Ritz values of the Hessian of the loss on <paramref name="images"/>: k steps of Lanczos (re-orthogonalised)
    /// from a random direction drawn from <paramref name="seed"/>, the same probe for every optimizer. The smallest is
    /// an upper bound on lambda_min that is tight after a few dozen steps (seq.md 3.8).
    /// </summary>
    public static (double Min, double Max) CurvatureProbe(AutoencoderState state, Tensor images, int k, ulong seed)
    {
        using var scope = NewDisposeScope();
        var parameters = state.Parameters;
        var products = HessianVectorProducts.At(parameters, () => Loss(state.Model, images));
        using var generator = new Generator(seed, images.device);
        var start = randn(ParameterVector.Count(parameters), ScalarType.Float64, images.device, generator: generator);
        var model = CurvatureModels.Krylov(products, start, k, reorthogonalize: true, StepRule.Absolute);
        return (model.MinEigenvalue, model.MaxEigenvalue);
    }

    public static byte[] Save(AutoencoderState state)
    {
        using var archive = new TensorArchiveWriter(Kind);
        archive.Add("steps", state.Steps).AddAll("model", state.Parameters);
        state.Optimizer.Save(archive);
        return archive.ToArray();
    }

    public static AutoencoderState Load(AutoencoderConfig config, byte[] payload, Device device)
    {
        var state = Init(config, seed: 0, device);
        try
        {
            using var archive = new TensorArchiveReader(payload, Kind);
            state.Steps = archive.ReadLong("steps");
            archive.ReadAllInto("model", state.Parameters);
            state.Optimizer.Load(archive);
            return state;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }
}
