using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// The networks, both players' Adam moments, the random generator and the step count of one ALI (or baseline GAN)
/// run; the baseline has no encoder. The generator player is the encoder and the decoder together. Consumed by
/// every update.
/// </summary>
public sealed class AliState : IDisposable
{
    AliState(AliNetworksConfig config, Encoder? encoder, BatchNormMlp decoder, MaxoutDiscriminator discriminator, Generator random, Device device)
    {
        (Config, Encoder, Decoder, Discriminator, Random, Device) = (config, encoder, decoder, discriminator, random, device);
        GeneratorParameters = (encoder?.parameters() ?? []).Concat(decoder.parameters()).ToList();
        DiscriminatorParameters = discriminator.parameters().ToList();
        GeneratorAdam = Adam.Init(GeneratorParameters);
        DiscriminatorAdam = Adam.Init(DiscriminatorParameters);
    }

    public AliNetworksConfig Config { get; }
    /// <summary>G_z; null for the GAN baseline.</summary>
    public Encoder? Encoder { get; }
    /// <summary>G_x.</summary>
    public BatchNormMlp Decoder { get; }
    public MaxoutDiscriminator Discriminator { get; }
    public IReadOnlyList<Tensor> GeneratorParameters { get; }
    public IReadOnlyList<Tensor> DiscriminatorParameters { get; }
    public AdamState GeneratorAdam { get; }
    public AdamState DiscriminatorAdam { get; }
    public Generator Random { get; }
    public Device Device { get; }
    public long Steps { get; set; }

    public AdamConfig AdamSettings => new(Config.LearningRate, Config.Beta1, Config.Beta2);

    /// <summary>Builds the networks in a fixed order (encoder, decoder, discriminator) from one generator seeded by <paramref name="seed"/>.</summary>
    public static AliState Create(AliNetworksConfig config, bool inference, int seed, Device device)
    {
        var random = new Generator((ulong)seed, device);
        var encoder = inference ? new Encoder((AliConfig)config, random, device) : null;
        var decoder = new BatchNormMlp("decoder", config.LatentDim, config.DecoderHidden, config.DecoderLayers, config.DataDim,
            config.BatchNorm, config.BatchNormMomentum, config.DecoderOutput == "sigmoid", config.InitStd, random, device);
        var discriminator = new MaxoutDiscriminator("discriminator", config.DataDim + (inference ? config.LatentDim : 0),
            config.DiscriminatorHidden, config.DiscriminatorLayers, config.MaxoutPieces, config.DiscriminatorDropout, config.InitStd, random, device);
        return new AliState(config, encoder, decoder, discriminator, random, device);
    }

    /// <summary>Standard normal noise from the run's generator.</summary>
    public Tensor Noise(long rows, long columns) => randn([rows, columns], device: Device, generator: Random);

    IEnumerable<(string Name, nn.Module Module)> Modules() =>
        new (string, nn.Module?)[] { ("encoder", Encoder), ("decoder", Decoder), ("discriminator", Discriminator) }
            .Where(m => m.Item2 is not null).Select(m => (m.Item1, m.Item2!));

    /// <summary>Parameters, batch-norm population statistics, Adam moments, the generator's state and the step.</summary>
    public byte[] Save(string kind)
    {
        using var archive = new TensorArchiveWriter(kind);
        archive.Add("steps", Steps);
        foreach (var (name, module) in Modules()) archive.AddAll(name, module.parameters()).AddAll($"{name}.buffers", module.buffers());
        GeneratorAdam.Save(archive, "generator-adam");
        DiscriminatorAdam.Save(archive, "discriminator-adam");
        archive.Add("random", Random);
        return archive.ToArray();
    }

    public AliState Load(string kind, byte[] payload)
    {
        try
        {
            using var archive = new TensorArchiveReader(payload, kind);
            Steps = archive.ReadLong("steps");
            foreach (var (name, module) in Modules())
            {
                archive.ReadAllInto(name, module.parameters());
                archive.ReadAllInto($"{name}.buffers", module.buffers());
            }
            GeneratorAdam.Load(archive, "generator-adam");
            DiscriminatorAdam.Load(archive, "discriminator-adam");
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
        foreach (var (_, module) in Modules()) module.Dispose();
        GeneratorAdam.Dispose();
        DiscriminatorAdam.Dispose();
        Random.Dispose();
    }
}
