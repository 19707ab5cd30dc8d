using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>
/// WGAN-GP, one generator iteration per update (GP-paper Algorithm 1): n_critic critic steps on
/// L = D(x~) - D(x) + lambda GP, each on its own real batch and fresh noise, then one generator step on -D(G(z)).
/// </summary>
public sealed class WganGp : IAlgorithm<WganGpConfig, AdversarialState, GanBatch>
{
    const string Kind = "wgan-gp/1";

    static OptimizerSpec Spec(WganGpConfig c) => new(OptimizerKind.Adam, c.LearningRate, c.Beta1, c.Beta2);

    public static AdversarialState Init(WganGpConfig config, int seed, Device device) =>
        AdversarialState.Create(config, Spec(config), Spec(config), seed, device);

    public static Step<AdversarialState> Update(AdversarialState state, GanBatch batch)
    {
        var config = (WganGpConfig)state.Config;
        using var scope = NewDisposeScope();
        double wasserstein = 0, penalty = 0, criticLoss = 0, criticGradNorm = 0;
        Gradients.Track(state.Generator, false);
        for (var i = 0; i < batch.CriticSteps; i++)
        {
            using var step = NewDisposeScope();
            var real = batch.Real[i];
            Tensor fake;
            using (no_grad()) fake = state.Generator.call(state.Noise(real.shape[0]));
            var epsilon = rand([real.shape[0]], device: state.Device, generator: state.Random);
            var critic = state.Critic;
            var realScore = critic.call(real).mean();
            var fakeScore = critic.call(fake).mean();
            var gp = GradientPenalty.Compute(x => critic.call(x), real, fake, epsilon);
            var loss = fakeScore.sub(realScore).add(gp.mul(Scalars.Of(config.Lambda)));
            Gradients.Clear(critic);
            loss.backward();
            state.CriticOptimizer.Step();
            (wasserstein, penalty, criticLoss) = (realScore.sub(fakeScore).item<float>(), gp.item<float>(), loss.item<float>());
            criticGradNorm = Gradients.Norm(critic);
        }
        Gradients.Track(state.Generator, true);

        var (generatorLoss, generatorGradNorm) = Gradients.WassersteinGeneratorStep(state);

        return new Step<AdversarialState>(state, Metrics.Of(
            ("wasserstein", wasserstein), ("critic_loss", criticLoss), ("gradient_penalty", penalty),
            ("generator_loss", generatorLoss), ("critic_grad_norm", criticGradNorm), ("generator_grad_norm", generatorGradNorm)));
    }

    public static byte[] Save(AdversarialState state) => state.Save(Kind);

    public static AdversarialState Load(WganGpConfig config, byte[] payload, Device device) => Init(config, 0, device).Load(Kind, payload);
}
