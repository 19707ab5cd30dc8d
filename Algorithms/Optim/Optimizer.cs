using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Optim;

public enum OptimizerKind
{
    Adam,
    RmsProp,
    /// <summary>TensorFlow 1's RMSProp, as in the WGAN-GP reference code.</summary>
    RmsPropTf,
}

/// <summary>An optimizer's settings; <see cref="Create"/> makes its state for a parameter list.</summary>
public sealed record OptimizerSpec(OptimizerKind Kind, double LearningRate, double Beta1 = 0.9, double Beta2 = 0.999)
{
    public OptimizerState Create(IReadOnlyList<Tensor> parameters) => Kind switch
    {
        OptimizerKind.Adam => new AdamOptimizer(this, parameters),
        OptimizerKind.RmsProp => new RmsPropOptimizer(this, RmsPropVariant.PyTorch, parameters),
        _ => new RmsPropOptimizer(this, RmsPropVariant.TensorFlow, parameters),
    };
}

/// <summary>
/// The state of one optimizer over one parameter list: steps them from their <c>.grad</c> and saves its moments.
/// Used where an algorithm lets the user choose the optimizer (WGAN's paper RMSProp versus its code's Adam option).
/// </summary>
public abstract class OptimizerState(IReadOnlyList<Tensor> parameters) : IDisposable
{
    protected IReadOnlyList<Tensor> Parameters { get; } = parameters;
    public abstract void Step();
    public abstract void Save(TensorArchiveWriter archive, string prefix);
    public abstract void Load(TensorArchiveReader archive, string prefix);
    public abstract void Dispose();
}

sealed class AdamOptimizer(OptimizerSpec spec, IReadOnlyList<Tensor> parameters) : OptimizerState(parameters)
{
    readonly AdamState state = Adam.Init(parameters);
    readonly AdamConfig config = new(spec.LearningRate, spec.Beta1, spec.Beta2);

    public override void Step() => Adam.Update(config, state, Parameters);

    public override void Save(TensorArchiveWriter archive, string prefix) => state.Save(archive, prefix);

    public override void Load(TensorArchiveReader archive, string prefix) => state.Load(archive, prefix);

    public override void Dispose() => state.Dispose();
}

sealed class RmsPropOptimizer(OptimizerSpec spec, RmsPropVariant variant, IReadOnlyList<Tensor> parameters) : OptimizerState(parameters)
{
    readonly RmsPropState state = RmsProp.Init(variant, parameters);

    public override void Step() => RmsProp.Update(variant, spec.LearningRate, state, Parameters);

    public override void Save(TensorArchiveWriter archive, string prefix) => archive.AddAll($"{prefix}.v", state.SquareAverages);

    public override void Load(TensorArchiveReader archive, string prefix) => archive.ReadAllInto($"{prefix}.v", state.SquareAverages);

    public override void Dispose() => state.Dispose();
}
