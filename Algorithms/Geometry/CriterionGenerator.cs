using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Divergences;
using Pipeline.Algorithms.Gan;
using Pipeline.Algorithms.Optim;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Geometry;

/// <summary>
/// One generator step on criterion(G(z), x) for a real batch x. The state is the adversarial state of the GAN
/// family so that the same data, evaluation and pictures serve; its critic is not trained here.
/// </summary>
public sealed class CriterionGenerator : IAlgorithm<CriterionGeneratorConfig, AdversarialState, GanBatch>
{
    const string Kind = "criterion-generator/1";

    static OptimizerSpec Spec(CriterionGeneratorConfig c) => new(OptimizerKind.Adam, c.LearningRate, c.Beta1, c.Beta2);

    public static AdversarialState Init(CriterionGeneratorConfig config, int seed, Device device) =>
        AdversarialState.Create(config, Spec(config), Spec(config), seed, device);

    /// <summary>The criterion between two samples, differentiable in both.</summary>
    public static Tensor Criterion(CriterionGeneratorConfig config, Tensor generated, Tensor real, TorchSharp.torch.Generator random) => config.Criterion switch
    {
        "mmd" => MaximumMeanDiscrepancy.Tensor(generated, real, config.KernelFunction(), unbiased: true),
        "sliced" => SlicedWasserstein.Tensor(generated, real, config.Slices, random),
        _ => EnergyDistance.VStatisticTensor(generated, real),
    };

    public static Step<AdversarialState> Update(AdversarialState state, GanBatch batch)
    {
        var config = (CriterionGeneratorConfig)state.Config;
        using var scope = NewDisposeScope();
        var real = batch.Real[batch.CriticSteps - 1];
        var generated = state.Generator.call(state.Noise(real.shape[0]));
        var loss = Criterion(config, generated, real, state.Random);
        Gradients.Clear(state.Generator);
        loss.backward();
        var gradNorm = Gradients.Norm(state.Generator);
        state.GeneratorOptimizer.Step();
        state.GeneratorSteps++;
        return new Step<AdversarialState>(state, Metrics.Of(("criterion", loss.item<double>()), ("generator_grad_norm", gradNorm)));
    }

    public static byte[] Save(AdversarialState state) => state.Save(Kind);

    public static AdversarialState Load(CriterionGeneratorConfig config, byte[] payload, Device device) => Init(config, 0, device).Load(Kind, payload);
}
