using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>Generator, critic, their optimizers and the random generator of one adversarial run. Consumed by every update.</summary>
public sealed class AdversarialState(
    AdversarialConfig config, MlpNetwork generator, MlpNetwork critic,
    OptimizerState generatorOptimizer, OptimizerState criticOptimizer, Generator random, Device device) : IDisposable
{
    public AdversarialConfig Config { get; } = config;
    public MlpNetwork Generator { get; } = generator;
    public MlpNetwork Critic { get; } = critic;
    public OptimizerState GeneratorOptimizer { get; } = generatorOptimizer;
    public OptimizerState CriticOptimizer { get; } = criticOptimizer;
    public Generator Random { get; } = random;
    public Device Device { get; } = device;
    public long GeneratorSteps { get; set; }

    public static AdversarialState Create(AdversarialConfig config, OptimizerSpec generatorSpec, OptimizerSpec criticSpec, int seed, Device device)
    {
        var random = new Generator((ulong)seed, device);
        var sigmoid = config.GeneratorOutput == "sigmoid";
        var generator = new MlpNetwork("generator", config.NoiseDim, config.Hidden, config.HiddenLayers, config.DataDim, sigmoid, config.Init, random, device);
        var critic = new MlpNetwork("critic", config.DataDim, config.Hidden, config.HiddenLayers, 1, false, config.Init, random, device);
        return new AdversarialState(config, generator, critic,
            generatorSpec.Create(generator.parameters().ToList()), criticSpec.Create(critic.parameters().ToList()), random, device);
    }

    public Tensor Noise(long count) => randn([count, Config.NoiseDim], device: Device, generator: Random);

    public byte[] Save(string kind)
    {
        using var archive = new TensorArchiveWriter(kind);
        archive.Add("generator-steps", GeneratorSteps)
            .AddAll("generator", Generator.parameters())
            .AddAll("critic", Critic.parameters());
        GeneratorOptimizer.Save(archive, "generator-optimizer");
        CriticOptimizer.Save(archive, "critic-optimizer");
        archive.Add("random", Random);
        return archive.ToArray();
    }

    public AdversarialState Load(string kind, byte[] payload)
    {
        try
        {
            using var archive = new TensorArchiveReader(payload, kind);
            GeneratorSteps = archive.ReadLong("generator-steps");
            archive.ReadAllInto("generator", Generator.parameters());
            archive.ReadAllInto("critic", Critic.parameters());
            GeneratorOptimizer.Load(archive, "generator-optimizer");
            CriticOptimizer.Load(archive, "critic-optimizer");
            archive.ReadInto("random", Random);
            return this;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Generator.Dispose();
        Critic.Dispose();
        GeneratorOptimizer.Dispose();
        CriticOptimizer.Dispose();
        Random.Dispose();
    }
}
