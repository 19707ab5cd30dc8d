using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// One optimizer of <see cref="TrainingOptimizerConfig.Optimizers"/> over one parameter list, stepped with the loss
/// as a closure so that first- and second-order methods are interchangeable in a training state: first-order ones
/// call it once and backpropagate, saddle-free Newton calls it as often as it needs. Every step reports the loss
/// before the step, the gradient norm and the work done so far (gradients and Hessian-vector products), so runs of
/// different optimizers can be compared per unit of work.
/// </summary>
public abstract class ClosureOptimizer : IDisposable
{
    /// <summary>Gradient evaluations (backward passes) so far.</summary>
    public abstract long Gradients { get; }

    /// <summary>Hessian-vector products so far.</summary>
    public abstract long Products { get; }

    public abstract Metrics Step(Func<Tensor> loss);

    public abstract void Save(TensorArchiveWriter archive);

    public abstract void Load(TensorArchiveReader archive);

    public abstract void Dispose();

    public static ClosureOptimizer Create(TrainingOptimizerConfig config, IReadOnlyList<Tensor> parameters, int seed) => config.Optimizer switch
    {
        "sfn" or "newton" => new SecondOrder(config.ToSaddleFree(), parameters, seed),
        "adam" => new FirstOrder(config, parameters, adam: true),
        _ => new FirstOrder(config, parameters, adam: false),
    };

    sealed class FirstOrder(TrainingOptimizerConfig config, IReadOnlyList<Tensor> parameters, bool adam) : ClosureOptimizer
    {
        readonly AdamState? adamState = adam ? Adam.Init(parameters) : null;
        readonly MomentumSgdState? velocity = adam ? null : MomentumSgd.Init(parameters);
        readonly AdamConfig adamConfig = new(config.LearningRate);
        long gradients;

        public override long Gradients => gradients;
        public override long Products => 0;

        public override Metrics Step(Func<Tensor> loss)
        {
            using var scope = NewDisposeScope();
            foreach (var p in parameters) p.grad = null;
            var f = loss();
            f.backward();
            gradients++;
            double gradientNorm;
            using (no_grad()) gradientNorm = ParameterVector.Flatten(parameters.Select(p => p.grad ?? zeros_like(p))).norm().item<double>();
            if (adamState is not null) Adam.Update(adamConfig, adamState, parameters);
            else MomentumSgd.Update(config.LearningRate, config.Optimizer == "gd" ? 0 : config.Momentum, velocity!, parameters);
            return Metrics.Of(("loss", f.to_type(ScalarType.Float64).item<double>()), ("grad_norm", gradientNorm),
                ("gradient_evaluations", gradients), ("hvps_total", 0));
        }

        public override void Save(TensorArchiveWriter archive)
        {
            archive.Add("optimizer.gradients", gradients);
            if (adamState is not null) adamState.Save(archive);
            else velocity!.Save(archive);
        }

        public override void Load(TensorArchiveReader archive)
        {
            gradients = archive.ReadLong("optimizer.gradients");
            if (adamState is not null) adamState.Load(archive);
            else velocity!.Load(archive);
        }

        public override void Dispose()
        {
            adamState?.Dispose();
            velocity?.Dispose();
        }
    }

    sealed class SecondOrder(SaddleFreeConfig config, IReadOnlyList<Tensor> parameters, int seed) : ClosureOptimizer
    {
        SaddleFreeState state = SaddleFree.Init(config, parameters, seed);

        public override long Gradients => state.Gradients;
        public override long Products => state.Products;

        public override Metrics Step(Func<Tensor> loss)
        {
            var step = SaddleFree.Update(config, state, parameters, loss);
            state = step.State;
            return Metrics.Of([.. step.Metrics.Select(m => (m.Key, m.Value)),
                ("gradient_evaluations", state.Gradients), ("hvps_total", state.Products)]);
        }

        public override void Save(TensorArchiveWriter archive) => state.Save(archive);

        public override void Load(TensorArchiveReader archive) => state.Load(archive);

        public override void Dispose() => state.Dispose();
    }
}
