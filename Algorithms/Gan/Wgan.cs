using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>
/// WGAN, one generator iteration per update (WGAN-paper Algorithm 1): n_critic critic steps ascending
/// mean f(x) - mean f(G(z)) with every weight clipped to [-c, c], then one generator step descending -mean f(G(z)).
/// The Wasserstein estimate reported is mean f(x) - mean f(G(z)) at the last critic step (= -critic loss).
/// </summary>
public sealed class Wgan : IAlgorithm<WganConfig, AdversarialState, GanBatch>
{
    const string Kind = "wgan/1";

    static OptimizerSpec Spec(WganConfig c) => c.Optimizer switch
    {
        "adam" => new(OptimizerKind.Adam, c.LearningRate, 0.5, 0.999),
        "rmsprop-tf" => new(OptimizerKind.RmsPropTf, c.LearningRate),
        _ => new(OptimizerKind.RmsProp, c.LearningRate),
    };

    public static AdversarialState Init(WganConfig config, int seed, Device device)
    {
        var state = AdversarialState.Create(config, Spec(config), Spec(config), seed, device);
        ClipWeights(state.Critic, config.Clip);
        return state;
    }

    /// <summary>clip(w, -c, c) on every critic parameter.</summary>
    public static void ClipWeights(nn.Module critic, double c)
    {
        using var _ = no_grad();
        var (low, high) = (Scalars.Of(-c), Scalars.Of(c));
        foreach (var p in critic.parameters()) p.clamp_(low, high);
    }

    public static Step<AdversarialState> Update(AdversarialState state, GanBatch batch)
    {
        var config = (WganConfig)state.Config;
        using var scope = NewDisposeScope();
        double wasserstein = 0, criticGradNorm = 0;
        Gradients.Track(state.Generator, false);
        for (var i = 0; i < batch.CriticSteps; i++)
        {
            using var step = NewDisposeScope();
            if (config.ClipBeforeStep) ClipWeights(state.Critic, config.Clip);
            var real = batch.Real[i];
            Tensor fake;
            using (no_grad()) fake = state.Generator.call(state.Noise(real.shape[0]));
            var realScore = state.Critic.call(real).mean();
            var fakeScore = state.Critic.call(fake).mean();
            var loss = fakeScore.sub(realScore);
            Gradients.Clear(state.Critic);
            loss.backward();
            state.CriticOptimizer.Step();
            if (!config.ClipBeforeStep) ClipWeights(state.Critic, config.Clip);
            wasserstein = -loss.item<float>();
            criticGradNorm = Gradients.Norm(state.Critic);
        }
        Gradients.Track(state.Generator, true);

        var (generatorLoss, generatorGradNorm) = Gradients.WassersteinGeneratorStep(state);

        return new Step<AdversarialState>(state, Metrics.Of(
            ("wasserstein", wasserstein), ("critic_loss", -wasserstein), ("generator_loss", generatorLoss),
            ("critic_grad_norm", criticGradNorm), ("generator_grad_norm", generatorGradNorm), ("critic_steps", batch.CriticSteps)));
    }

    public static byte[] Save(AdversarialState state) => state.Save(Kind);

    public static AdversarialState Load(WganConfig config, byte[] payload, Device device) => Init(config, 0, device).Load(Kind, payload);
}
