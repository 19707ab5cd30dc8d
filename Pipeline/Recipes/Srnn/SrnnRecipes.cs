using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using Pipeline.Algorithms.Srnn;
using Pipeline.Environments.Data;
using Pipeline.Environments.Physics;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using TorchSharp;

namespace Pipeline.Recipes.Srnn;

/// <summary>Which 1-D Hamiltonian system, how many noisy training trajectories, and the evaluation rollouts.</summary>
public sealed record OscillatorDataConfig : IConfig<OscillatorDataConfig>
{
    [Param("system: spring (H = q^2 + p^2) or pendulum (H = 3(1 - cos q) + p^2), the HNN setups", OneOf = ["spring", "pendulum"])]
    public string System { get; init; } = "spring";

    [Param("training trajectories", Min = 1, Max = 1000000)]
    public int Trajectories { get; init; } = 256;

    [Param("observed states per training trajectory (SRNN: 10)", Min = 2, Max = 10000)]
    public int States { get; init; } = 10;

    [Param("Gaussian observation noise (HNN: 0.1)", Min = 0, Max = 10)]
    public double Noise { get; init; } = 0.1;

    [Param("trajectories per batch", Min = 1, Max = 1000000)]
    public int BatchSize { get; init; } = 32;

    [Param("steps of the clean evaluation rollouts (SRNN tables: 200)", Min = 2, Max = 100000)]
    public int RolloutStates { get; init; } = 200;

    public OscillatorSystem Kind => System == "pendulum" ? OscillatorSystem.Pendulum : OscillatorSystem.Spring;

    public Validation<Error, OscillatorDataConfig> Validate() => ConfigRules.Check(this,
        (BatchSize <= Trajectories, $"batch-size {BatchSize} exceeds the {Trajectories} trajectories"));
}

/// <summary>SRNN (H-NET integrated by leapfrog, recurrent training) on the HNN paper's spring and pendulum.</summary>
public static class SrnnRecipes
{
    public static IRecipe Oscillators() => new Recipe<SymplecticRnnConfig, OscillatorDataConfig>(
        "srnn-oscillator",
        "Symplectic RNN (H-NET + leapfrog, or --set integrator=euler) on the ideal spring or pendulum; rollout error and energy over 200 steps",
        "Chen, Zhang, Arjovsky, Bottou 2020, Symplectic Recurrent Neural Networks, section 3; Greydanus et al. 2019 (the systems)",
        new SymplecticRnnConfig(), new OscillatorDataConfig(), 2000, Build);

    static Flow<RunEvent> Build(SymplecticRnnConfig config, OscillatorDataConfig data, RunPlan plan)
    {
        if (config.Dimension != 1) throw new ArgumentException($"dimension must be 1 for the 1-D systems, not {config.Dimension}");
        var device = Devices.Resolve(config.Device);
        using var trainGenerator = new torch.Generator(SeedMix.Mix(plan.Seed, 0, stream: 50));
        using var testGenerator = new torch.Generator(SeedMix.Mix(plan.Seed, 0, stream: 51));
        var train = plan.Own(OneDimensionalSystems.Trajectories(data.Kind, data.Trajectories, data.States, config.Dt, data.Noise, trainGenerator).to(device));
        var test = plan.Own(OneDimensionalSystems.Trajectories(data.Kind, 32, data.RolloutStates, config.Dt, 0, testGenerator).to(device));
        return SrnnTraining.Flow(config, plan, device, train, data.BatchSize,
            state => Metrics.Of(("rollout_position_error", RolloutError(state, test))));
    }

    /// <summary>The mean position error of rollouts from the first states of the clean trajectories <paramref name="truth"/>.</summary>
    static double RolloutError(ModelState<SymplecticRnnConfig, torch.nn.Module> state, torch.Tensor truth)
    {
        using var scope = torch.NewDisposeScope();
        var predicted = SymplecticRnn.Predict(state, truth.narrow(0, 0, 1), (int)truth.shape[0], iso: false);
        return SymplecticRnn.PositionErrors(predicted, truth, state.Config.Dimension).Average();
    }
}
