using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>
/// The original GAN, one generator iteration per update: discriminator steps on the cross-entropy
/// -log D(x) - log(1 - D(G(z))) (D = sigmoid of the critic's logit), then a generator step on the chosen cost.
/// Reports the paper's JSD estimate (1/2) L + log 2 with L = E log D(x) + E log(1 - D(G(z))) (WGAN-paper Fig. 4).
/// </summary>
public sealed class Gan : IAlgorithm<GanConfig, AdversarialState, GanBatch>
{
    const string Kind = "gan/1";

    static OptimizerSpec Spec(GanConfig c) => new(OptimizerKind.Adam, c.LearningRate, c.Beta1, c.Beta2);

    public static AdversarialState Init(GanConfig config, int seed, Device device) =>
        AdversarialState.Create(config, Spec(config), Spec(config), seed, device);

    /// <summary>The generator's cost for discriminator logits l on generated samples (mean over the batch).</summary>
    public static Tensor GeneratorCost(string cost, Tensor fakeLogits) => cost == "minimax"
        ? ScalarFree.Softplus(fakeLogits).neg().mean()    // log(1 - sigmoid(l)) = -softplus(l)
        : ScalarFree.Softplus(fakeLogits.neg()).mean();   // -log sigmoid(l) = softplus(-l)

    /// <summary>The discriminator's cross-entropy on real and generated logits.</summary>
    public static Tensor DiscriminatorLoss(Tensor realLogits, Tensor fakeLogits) =>
        ScalarFree.Softplus(realLogits.neg()).mean().add(ScalarFree.Softplus(fakeLogits).mean());

    static Tensor WithNoise(Tensor x, double sigma, Generator random) =>
        sigma > 0 ? x.add(randn(x.shape, device: x.device, generator: random).mul_(Scalars.Of(sigma))) : x;

    /// <summary>One discriminator step against <paramref name="real"/>; returns (loss, accuracy, mean D(x), mean D(G(z))).</summary>
    public static (double Loss, double Accuracy, double RealProbability, double FakeProbability) DiscriminatorStep(
        AdversarialState state, Tensor real, double noise)
    {
        using var scope = NewDisposeScope();
        Tensor fake;
        using (no_grad()) fake = state.Generator.call(state.Noise(real.shape[0]));
        var realLogits = state.Critic.call(WithNoise(real, noise, state.Random));
        var fakeLogits = state.Critic.call(WithNoise(fake, noise, state.Random));
        var loss = DiscriminatorLoss(realLogits, fakeLogits);
        Gradients.Clear(state.Critic);
        loss.backward();
        state.CriticOptimizer.Step();
        using var _ = no_grad();
        var accuracy = realLogits.gt(Scalars.Of(0)).sum().add(fakeLogits.le(Scalars.Of(0)).sum()).item<long>() / (2.0 * real.shape[0]);
        return (loss.item<float>(), accuracy, realLogits.sigmoid().mean().item<float>(), fakeLogits.sigmoid().mean().item<float>());
    }

    /// <summary>
    /// The norm of the generator's gradient under <paramref name="cost"/> with the discriminator fixed, without
    /// changing anything: the quantity of "Towards Principled Methods", Figs. 2 and 3.
    /// </summary>
    public static double GeneratorGradientNorm(AdversarialState state, string cost, int samples, double noise)
    {
        using var scope = NewDisposeScope();
        Gradients.Track(state.Critic, false);
        var logits = state.Critic.call(WithNoise(state.Generator.call(state.Noise(samples)), noise, state.Random));
        Gradients.Clear(state.Generator);
        GeneratorCost(cost, logits).backward();
        var norm = Gradients.Norm(state.Generator);
        Gradients.Clear(state.Generator);
        Gradients.Track(state.Critic, true);
        return norm;
    }

    public static Step<AdversarialState> Update(AdversarialState state, GanBatch batch)
    {
        var config = (GanConfig)state.Config;
        var noise = config.NoiseAt(state.GeneratorSteps);
        using var scope = NewDisposeScope();
        Gradients.Track(state.Generator, false);
        (double Loss, double Accuracy, double RealProbability, double FakeProbability) d = default;
        for (var i = 0; i < batch.CriticSteps; i++) d = DiscriminatorStep(state, batch.Real[i], noise);
        var criticGradNorm = Gradients.Norm(state.Critic);
        Gradients.Track(state.Generator, true);

        Gradients.Track(state.Critic, false);
        var logits = state.Critic.call(WithNoise(state.Generator.call(state.Noise(config.BatchSize)), noise, state.Random));
        var generatorLoss = GeneratorCost(config.GeneratorCost, logits);
        Gradients.Clear(state.Generator);
        generatorLoss.backward();
        var generatorGradNorm = Gradients.Norm(state.Generator);
        state.GeneratorOptimizer.Step();
        Gradients.Track(state.Critic, true);
        state.GeneratorSteps++;

        return new Step<AdversarialState>(state, Metrics.Of(
            ("discriminator_loss", d.Loss), ("generator_loss", generatorLoss.item<float>()),
            ("jsd_estimate", -d.Loss / 2 + Math.Log(2)), ("discriminator_accuracy", d.Accuracy),
            ("d_real", d.RealProbability), ("d_fake", d.FakeProbability),
            ("critic_grad_norm", criticGradNorm), ("generator_grad_norm", generatorGradNorm), ("instance_noise", noise)));
    }

    public static byte[] Save(AdversarialState state) => state.Save(Kind);

    public static AdversarialState Load(GanConfig config, byte[] payload, Device device) => Init(config, 0, device).Load(Kind, payload);
}
