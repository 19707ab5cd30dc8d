using Pipeline.Algorithms.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Optim;

/// <summary>
/// The common training state of one model trained by Adam: the config, the model, Adam's moments and the run's
/// random generator, with the checkpoint layout every such algorithm shares. Consumed by every update.
/// </summary>
public sealed class ModelState<TConfig, TModel>(TConfig config, TModel model, AdamState adam, Generator generator) : IDisposable
    where TModel : nn.Module
{
    public TConfig Config { get; } = config;
    public TModel Model { get; } = model;
    public AdamState Adam { get; } = adam;
    public Generator Generator { get; } = generator;

    /// <summary>The epoch learning-rate schedule's state (scale 1 and untouched for algorithms that do not use one).</summary>
    public EpochScheduleState Schedule { get; } = new();

    /// <summary>A fresh state: Adam's moments at zero for every parameter of <paramref name="model"/>.</summary>
    public static ModelState<TConfig, TModel> Create(TConfig config, TModel model, Generator generator) =>
        new(config, model, Optim.Adam.Init(model.parameters().ToList()), generator);

    public byte[] Save(string kind)
    {
        using var archive = new TensorArchiveWriter(kind);
        archive.AddAll("model", Model.parameters()).AddAll("buffers", Model.buffers());
        Adam.Save(archive);
        archive.Add("generator", Generator);
        Schedule.Save(archive);
        return archive.ToArray();
    }

    /// <summary>Overwrites this (freshly initialised) state with a checkpoint's; disposes it if the payload does not fit.</summary>
    public ModelState<TConfig, TModel> Load(string kind, byte[] payload)
    {
        try
        {
            using var archive = new TensorArchiveReader(payload, kind);
            archive.ReadAllInto("model", Model.parameters());
            archive.ReadAllInto("buffers", Model.buffers());
            Adam.Load(archive);
            archive.ReadInto("generator", Generator);
            // Checkpoints written before the schedule existed end here; they resume with scale 1.
            if (!archive.AtEnd) Schedule.Load(archive);
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
        Model.Dispose();
        Adam.Dispose();
        Generator.Dispose();
    }
}
