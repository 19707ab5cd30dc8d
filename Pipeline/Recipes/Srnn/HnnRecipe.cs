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
using static TorchSharp.torch;

namespace Pipeline.Recipes.Srnn;

/// <summary>The HNN paper's 1-D datasets (seq.md 2.6): trajectories over t in [0, 3], noisy states, noiseless derivatives.</summary>
public sealed record HnnDataConfig : IConfig<HnnDataConfig>
{
    [Param("system: spring (H = q^2 + p^2, 30 points per trajectory) or pendulum (H = 3(1 - cos q) + p^2, 45 points)", OneOf = ["spring", "pendulum"])]
    public string System { get; init; } = "spring";

    [Param("trajectories, half for training and half for testing (HNN: 50)", Min = 2, Max = 100000)]
    public int Trajectories { get; init; } = 50;

    [Param("Gaussian noise on the observed states (HNN: 0.1)", Min = 0, Max = 10)]
    public double Noise { get; init; } = 0.1;

    [Param("time span of the energy rollouts from the test initial states (HNN: 20)", Min = 0.1, Max = 10000)]
    public double RolloutTime { get; init; } = 20;

    public OscillatorSystem Kind => System == "pendulum" ? OscillatorSystem.Pendulum : OscillatorSystem.Spring;

    /// <summary>Points per trajectory over [0, 3], both ends included (HNN: 30 spring, 45 pendulum).</summary>
    public int Points => Kind == OscillatorSystem.Pendulum ? 45 : 30;

    public double Dt => 3.0 / (Points - 1);

    public Validation<Error, HnnDataConfig> Validate() => ConfigRules.Check(this);

    /// <summary>dz/dt = [dp/dt, dq/dt] of the true system at clean states z = [p, q] (N x 2).</summary>
    public Tensor TrueDerivatives(Tensor z)
    {
        var (p, q) = (z.narrow(1, 0, 1), z.narrow(1, 1, 1));
        var dp = Kind == OscillatorSystem.Spring ? q.mul(Scalars.Of(-2)) : q.sin().mul(Scalars.Of(-3));
        return cat([dp, p.mul(Scalars.Of(2))], 1);
    }

    /// <summary>Training and test sets: noisy states with the clean states' true derivatives; and the test trajectories' clean first states.</summary>
    public (DerivativeBatch Train, DerivativeBatch Test, Tensor TestStarts) Data(int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(SeedMix.Mix(seed, 0, stream: 55));
        var clean = OneDimensionalSystems.Trajectories(Kind, Trajectories, Points, Dt, 0, generator).to_type(ScalarType.Float64);
        var noisy = ReferenceTrajectories.Observe(clean, Noise, generator).to_type(ScalarType.Float32);
        var half = Trajectories / 2;
        DerivativeBatch Part(int start, int count) => new(
            noisy.narrow(1, start, count).reshape(-1, 2).MoveToOuterDisposeScope(),
            TrueDerivatives(clean.narrow(1, start, count).reshape(-1, 2)).to_type(ScalarType.Float32).MoveToOuterDisposeScope());
        return (Part(0, half), Part(half, Trajectories - half), clean[0].narrow(0, half, Trajectories - half).to_type(ScalarType.Float32).MoveToOuterDisposeScope());
    }
}

/// <summary>The HNN and its baseline on the ideal spring or pendulum, full batch.</summary>
public static class HnnRecipe
{
    public static IRecipe Create() => new Recipe<HnnConfig, HnnDataConfig>(
        "hnn",
        "Hamiltonian Neural Network (or --set model=baseline) on the HNN paper's noisy ideal spring or pendulum; test loss and energy MSE of RK4 rollouts",
        "Greydanus, Dzamba, Yosinski 2019, Hamiltonian Neural Networks, section 3 (the SRNN paper's anchor, section 3.4)",
        new HnnConfig(), new HnnDataConfig(), 2000, Build);

    static Flow<RunEvent> Build(HnnConfig config, HnnDataConfig data, RunPlan plan)
    {
        var device = Devices.Resolve(config.Device);
        var (trainCpu, testCpu, startsCpu) = data.Data(plan.Seed);
        var train = plan.Own(new DerivativeBatch(trainCpu.States.to(device), trainCpu.Derivatives.to(device)));
        var test = plan.Own(new DerivativeBatch(testCpu.States.to(device), testCpu.Derivatives.to(device)));
        var starts = plan.Own(startsCpu.to(device));
        trainCpu.Dispose();
        testCpu.Dispose();
        startsCpu.Dispose();

        IEnumerable<DerivativeBatch> Batches()
        {
            for (var step = plan.StartStep + 1; step <= plan.LastStep; step++)
                yield return new DerivativeBatch(train.States.alias(), train.Derivatives.alias());
        }

        var trainer = AlgorithmTraining.Stage<Hnn, HnnConfig, ModelState<HnnConfig, HnnNetwork>, DerivativeBatch>("hnn", config, plan, device)
            .Every(1, (state, step) => step % plan.Settings.EvalEvery == 0 || step == plan.LastStep
                ? new MetricsEvent(step, "eval", Metrics.Of(("test_loss", Hnn.TestLoss(state, test)), ("energy_mse", EnergyMse(state.Model, data, starts))))
                : null);
        return Graph.From(Source.From("states", Batches)).Via(trainer.ToStage().Async(capacity: plan.Settings.Prefetch));
    }

    /// <summary>
    /// The HNN README's energy MSE: RK4 rollouts of the learned field from the test trajectories' clean first states over
    /// [0, rollout-time] at step 0.02; the mean squared difference between the true energy along them and at the start.
    /// </summary>
    public static double EnergyMse(HnnNetwork model, HnnDataConfig data, Tensor starts)
    {
        var states = (int)Math.Round(data.RolloutTime / 0.02) + 1;
        var trajectories = Rollout(model, starts, states);
        var (t, b) = ((int)trajectories.shape[0], (int)trajectories.shape[1]);
        using var cpu = trajectories.to_type(ScalarType.Float64).cpu();
        trajectories.Dispose();
        var z = cpu.data<double>().ToArray();
        var total = 0.0;
        for (var j = 0; j < b; j++)
        {
            var h0 = OneDimensionalSystems.Energy(data.Kind, z[2 * j], z[2 * j + 1]);
            for (var i = 0; i < t; i++)
            {
                var difference = OneDimensionalSystems.Energy(data.Kind, z[(i * b + j) * 2], z[(i * b + j) * 2 + 1]) - h0;
                total += difference * difference;
            }
        }
        return total / (t * b);
    }

    /// <summary>The learned field's RK4 trajectory (T x B x 2, detached) from <paramref name="starts"/> at step 0.02.</summary>
    public static Tensor Rollout(HnnNetwork model, Tensor starts, int states)
    {
        using var scope = NewDisposeScope();
        using var enabled = enable_grad();
        var (p, q) = (starts.narrow(1, 0, 1), starts.narrow(1, 1, 1));
        var trajectory = new List<Tensor>(states) { starts.detach() };
        for (var i = 1; i < states; i++)
        {
            // Detached every step: the rollout is an evaluation, and a 1,000-step graph would only cost memory.
            var (pn, qn) = Integrate.Step(model, Integrator.RungeKutta4, p, q, 0.02);
            (p, q) = (pn.detach(), qn.detach());
            trajectory.Add(cat([p, q], 1));
        }
        return stack(trajectory).MoveToOuterDisposeScope();
    }
}
