using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Environments.Data;
using Pipeline.Environments.Physics;
using System.Text.Json.Serialization;
using TorchSharp;

namespace Pipeline.Recipes.Srnn;

/// <summary>
/// One of the SRNN paper's datasets (seq.md 2.3): the system, the training set (noisy trajectories cut into windows),
/// and the test set (the first observed-states noisy observations given, the error over the rollout-states clean ones).
/// Defaults are the spring chain's (App. A.1); the three-body and billiard recipes override them.
/// </summary>
public sealed record PhysicsDataConfig : IConfig<PhysicsDataConfig>
{
    [Param("system: chain (spring chain), three-body, billiard (heavy billiard)", OneOf = ["chain", "three-body", "billiard"])]
    public string System { get; init; } = "chain";

    [Param("masses of the spring chain (paper: 20)", Min = 1, Max = 1000)]
    public int Masses { get; init; } = 20;

    [Param("training trajectories (paper: 1000 chain, 100 three-body, 5000 billiard)", Min = 1, Max = 1000000)]
    public int Trajectories { get; init; } = 1000;

    [Param("observed states per training trajectory (paper: 10)", Min = 2, Max = 10000)]
    public int States { get; init; } = 10;

    [Param("states per training window, 0 = the whole trajectory (paper three-body: 5)", Min = 0, Max = 10000)]
    public int Window { get; init; }

    [Param("Gaussian observation noise on every coordinate, train and test (paper code: 0.2 chain; three-body noiseless)", Min = 0, Max = 100)]
    public double Noise { get; init; } = 0.2;

    [Param("reference integrator steps per observation step (paper chain: 100, i.e. 0.001 at dt 0.1)", Min = 1, Max = 100000)]
    public int Substeps { get; init; } = 100;

    [Param("training windows per batch (paper: 32)", Min = 1, Max = 1000000)]
    public int BatchSize { get; init; } = 32;

    [Param("test trajectories (paper: 32)", Min = 1, Max = 100000)]
    public int TestTrajectories { get; init; } = 32;

    [Param("noisy states given at test time, from which ISO fits z0 (paper chain: 10)", Min = 1, Max = 10000)]
    public int ObservedStates { get; init; } = 10;

    [Param("predicted states over which the test error is averaged (paper chain: 200)", Min = 2, Max = 100000)]
    public int RolloutStates { get; init; } = 200;

    // Omitted from the config hash while false, so runs written before the key existed keep their hash and resume.
    [Param("three-body only: one draw of the six velocity factors per dataset (the SRNN code's sampler; training and test sets then differ), not one per trajectory (the paper's text, the HNN code)")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool SharedVelocityFactors { get; init; }

    public int WindowStates => Window == 0 ? States : Window;

    /// <summary>Training windows: every window of <see cref="WindowStates"/> consecutive states of every trajectory.</summary>
    [JsonIgnore] // derived, and kept out of the config hash
    public long WindowCount => (long)Trajectories * (States - WindowStates + 1);

    /// <summary>True when windows of one trajectory share states, so single-step training would count a transition once per window holding it.</summary>
    [JsonIgnore]
    public bool WindowsOverlap => WindowStates > 2 && WindowStates < States;

    /// <summary>The reference system; the chain is drawn from <paramref name="generator"/> (once per dataset).</summary>
    public IReferenceSystem CreateSystem(torch.Generator generator) => System switch
    {
        "three-body" => new ThreeBody(sharedVelocityFactors: SharedVelocityFactors),
        "billiard" => new HeavyBilliard(),
        _ => SpringChain.Random(Masses, generator),
    };

    public int Dimension => System switch { "three-body" => 6, "billiard" => 2, _ => Masses };

    public Validation<Error, PhysicsDataConfig> Validate() => ConfigRules.Check(this,
        (!SharedVelocityFactors || System == "three-body", $"shared-velocity-factors applies to the three-body system only, not {System}"),
        (WindowStates <= States, $"window {Window} is longer than the {States} states of a trajectory"),
        (WindowStates >= 2, $"window {Window} must hold at least 2 states"),
        (ObservedStates <= RolloutStates, $"observed-states {ObservedStates} exceeds rollout-states {RolloutStates}"),
        (BatchSize <= WindowCount, $"batch-size {BatchSize} exceeds the {WindowCount} training windows"));

    /// <summary>The training windows (W x N x 2d, float32): every window of W consecutive states of every noisy trajectory.</summary>
    public torch.Tensor TrainingWindows(IReferenceSystem system, double dt, ulong seed)
    {
        using var generator = new torch.Generator(seed);
        using var clean = ReferenceTrajectories.Generate(system, Trajectories, States, dt, Substeps, generator);
        using var noisy = ReferenceTrajectories.Observe(clean, Noise, generator);
        var w = WindowStates;
        var windows = Enumerable.Range(0, States - w + 1).Select(start => noisy.narrow(0, start, w)).ToArray();
        using var all = torch.cat(windows, 1);
        foreach (var window in windows) window.Dispose();
        return all.to_type(torch.ScalarType.Float32);
    }

    /// <summary>The test set: clean trajectories (T x B x 2d, float64) and the noisy first observed states (float32).</summary>
    public (torch.Tensor Truth, torch.Tensor Observed) TestSet(IReferenceSystem system, double dt, ulong seed)
    {
        using var generator = new torch.Generator(seed);
        var truth = ReferenceTrajectories.Generate(system, TestTrajectories, RolloutStates, dt, Substeps, generator);
        using var prefix = truth.narrow(0, 0, ObservedStates);
        using var noisy = ReferenceTrajectories.Observe(prefix, Noise, generator);
        return (truth, noisy.to_type(torch.ScalarType.Float32));
    }

    /// <summary>Seeds of the dataset's streams: the chain's constants, the training set, the test set.</summary>
    public static (ulong System, ulong Train, ulong Test) Seeds(int seed) =>
        (SeedMix.Mix(seed, 0, stream: 52), SeedMix.Mix(seed, 0, stream: 53), SeedMix.Mix(seed, 0, stream: 54));
}
