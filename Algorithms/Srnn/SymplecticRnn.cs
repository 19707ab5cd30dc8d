using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// SRNN training (SRNN paper section 3): an H-NET integrated from each observed trajectory's first state over the
/// whole window (recurrent training), loss the MSE to every observed state, Adam 1e-3. Integrator leapfrog (SRNN,
/// "L-L") or Euler ("E-E").
/// </summary>
public sealed record SymplecticRnnConfig : IConfig<SymplecticRnnConfig>
{
    [Param("integrator used in training and evaluation", OneOf = ["leapfrog", "euler"])]
    public string Integrator { get; init; } = "leapfrog";

    [Param("state dimension d (p and q each have d coordinates)", Min = 1, Max = 1000)]
    public int Dimension { get; init; } = 1;

    [Param("hidden units of each of the two H-NET MLPs (paper: 2048 for the chain)", Min = 1, Max = 16384)]
    public int Hidden { get; init; } = 64;

    [Param("time step between observations", Min = 1e-6, Max = 10)]
    public double Dt { get; init; } = 0.1;

    [Param("Adam learning rate", Min = 1e-8, Max = 1)]
    public double LearningRate { get; init; } = 1e-3;

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "auto";

    public Integrator IntegratorKind => Integrator == "euler" ? Srnn.Integrator.Euler : Srnn.Integrator.Leapfrog;

    public Validation<Error, SymplecticRnnConfig> Validate() => ConfigRules.Check(this);
}

/// <summary>Observed trajectories, T x B x 2d with z = [p, q].</summary>
public sealed record TrajectoryBatch(Tensor States) : IDisposable
{
    public void Dispose() => States.Dispose();
}

public sealed class SymplecticRnn : IAlgorithm<SymplecticRnnConfig, ModelState<SymplecticRnnConfig, HamiltonianNetwork>, TrajectoryBatch>
{
    const string Kind = "srnn/1";

    public static ModelState<SymplecticRnnConfig, HamiltonianNetwork> Init(SymplecticRnnConfig config, int seed, Device device)
    {
        var random = new Generator((ulong)seed, device);
        return ModelState<SymplecticRnnConfig, HamiltonianNetwork>.Create(config, new HamiltonianNetwork(config.Dimension, config.Hidden, random, device), random);
    }

    public static Step<ModelState<SymplecticRnnConfig, HamiltonianNetwork>> Update(ModelState<SymplecticRnnConfig, HamiltonianNetwork> state, TrajectoryBatch batch)
    {
        using var scope = NewDisposeScope();
        var parameters = state.Model.parameters().ToList();
        foreach (var p in parameters) p.grad = null;
        var predicted = Integrate.Trajectory(state.Model, state.Config.IntegratorKind, batch.States[0], (int)batch.States.shape[0], state.Config.Dt);
        var loss = nn.functional.mse_loss(predicted, batch.States);
        loss.backward();
        Optim.Adam.Update(new AdamConfig(state.Config.LearningRate), state.Adam, parameters);
        return new Step<ModelState<SymplecticRnnConfig, HamiltonianNetwork>>(state, Metrics.Of(("loss", loss.item<float>())));
    }

    /// <summary>Rolls out from the first state of clean trajectories <paramref name="truth"/> (T x B x 2d); the mean position error over all steps.</summary>
    public static double RolloutError(ModelState<SymplecticRnnConfig, HamiltonianNetwork> state, Tensor truth)
    {
        using var scope = NewDisposeScope();
        var predicted = Integrate.Trajectory(state.Model, state.Config.IntegratorKind, truth[0], (int)truth.shape[0], state.Config.Dt).detach();
        var d = state.Config.Dimension;
        return predicted.narrow(2, d, d).sub(truth.narrow(2, d, d)).norm(2).mean().item<float>();
    }

    public static byte[] Save(ModelState<SymplecticRnnConfig, HamiltonianNetwork> state) => state.Save(Kind);

    public static ModelState<SymplecticRnnConfig, HamiltonianNetwork> Load(SymplecticRnnConfig config, byte[] payload, Device device) =>
        Init(config, 0, device).Load(Kind, payload);
}
