using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// The SRNN paper's models and training (sections 3-4, App. A). Every row of Tables 1-3 is a value of this record:
/// model (H-NET, O-NET, or the RNN / LSTM baselines), training (single-step on length-2 windows or recurrent through
/// the whole window), the training and test integrators (E-E, E-L, L-L), and initial state optimisation.
/// SRNN = H-NET, recurrent, L-L.
/// </summary>
public sealed record SymplecticRnnConfig : IConfig<SymplecticRnnConfig>
{
    [Param("model: hnet (H-NET), onet (O-NET), the baselines rnn / lstm, or hnet-rebound (H-NET with the billiard's rebound module, section 6)", OneOf = ["hnet", "onet", "rnn", "lstm", "hnet-rebound"])]
    public string Model { get; init; } = "hnet";

    [Param("training: recurrent (backprop through the whole window) or single-step (every consecutive pair of the window)", OneOf = ["recurrent", "single-step"])]
    public string Training { get; init; } = "recurrent";

    [Param("integrator used in training (the first letter of E-E, E-L, L-L); leapfrog-paper-code: the SRNN code's leapfrog, whose first kick reuses the last step's (differs for O-NETs only)", OneOf = ["leapfrog", "euler", "leapfrog-paper-code"])]
    public string Integrator { get; init; } = "leapfrog";

    [Param("integrator used at test time: same as training, or leapfrog / euler (E-L: euler then leapfrog)", OneOf = ["same", "leapfrog", "euler", "leapfrog-paper-code"])]
    public string TestIntegrator { get; init; } = "same";

    [Param("state dimension d (p and q each have d coordinates)", Min = 1, Max = 1000)]
    public int Dimension { get; init; } = 1;

    [Param("hidden units per layer of each MLP / RNN (paper: 2048 chain, 512 three-body)", Min = 1, Max = 16384)]
    public int Hidden { get; init; } = 64;

    [Param("hidden layers of each MLP (paper: 1 chain, 3 three-body)", Min = 1, Max = 8)]
    public int Layers { get; init; } = 1;

    [Param("time step between observations", Min = 1e-6, Max = 10)]
    public double Dt { get; init; } = 0.1;

    [Param("Adam learning rate (paper: 1e-3 chain, 3e-4 three-body)", Min = 1e-8, Max = 1)]
    public double LearningRate { get; init; } = 1e-3;

    [Param("what the rnn / lstm baselines predict: residual (next state = current + linear readout of the hidden state), state (next state = linear readout, the paper code's RNN) or hidden (next state = the hidden state itself, the paper code's LSTM; needs hidden = 2 x dimension)", OneOf = ["residual", "state", "hidden"])]
    public string BaselineOutput { get; init; } = "residual";

    [Param("clip the gradient's global norm at this value before each Adam step; 0 = off (paper: 0.25 for the vanilla RNN baseline)", Min = 0, Max = 1e6)]
    public double ClipNorm { get; init; }

    [Param("ReduceLROnPlateau patience in epochs on the epoch's mean training loss; 0 = constant learning rate (paper: 15, on a validation MSE of 32 training trajectories)", Min = 0, Max = 100000)]
    public int PlateauPatience { get; init; }

    [Param("learning-rate factor at each plateau (paper: 0.7)", Min = 1e-6, Max = 1)]
    public double PlateauFactor { get; init; } = 0.7;

    [Param("learning-rate factor applied after every epoch, ExponentialLR; 1 = off (paper billiard: 0.99)", Min = 1e-6, Max = 1)]
    public double EpochDecay { get; init; } = 1;

    [Param("floor of the scheduled learning rate (paper billiard: 1e-4)", Min = 0, Max = 1)]
    public double MinLearningRate { get; init; }

    [Param("training steps per epoch for the schedules; 0 = the recipe's (training windows / batch size)", Min = 0, Max = 100000000)]
    public long EpochSteps { get; init; }

    [Param("initial state optimisation: off, test (fit z0 at test time only) or train-and-test (paper section 4.3)", OneOf = ["off", "test", "train-and-test"])]
    public string Iso { get; init; } = "off";

    [Param("training-time ISO keeps each training window's fitted z0 and starts its next fit there (the paper's warm starts; recurrent training only)")]
    public bool IsoWarmStart { get; init; } = true;

    [Param("when training-time ISO fits: per-batch (each batch's z0 just before its step) or per-epoch (every training window's z0 jointly, one L-BFGS run after each epoch, as the paper's code; batches then start from the kept fits)", OneOf = ["per-batch", "per-epoch"])]
    public string IsoRefit { get; init; } = "per-batch";

    [Param("training windows whose fitted z0 are kept for warm starts; 0 = the recipe's (set from the data)", Min = 0, Max = 100000000)]
    public long IsoWindows { get; init; }

    [Param("L-BFGS iterations per initial state fit (paper: 10)", Min = 1, Max = 1000)]
    public int IsoIterations { get; init; } = 10;

    // On by default since the paper's code fits z0 with scipy's L-BFGS-B (line-searched), and training-time ISO with
    // fixed unit steps raises the training loss instead of lowering it (docs/SRNN.md). Runs written while the default
    // was false resume with --set iso-line-search=false, which keeps their config hash.
    [Param("ISO's L-BFGS searches along each direction (backtracking Armijo, like scipy's L-BFGS-B in the paper's code); false = torch.optim.LBFGS's fixed unit step (FixedStepLbfgs), which fits poorly in training-time ISO (docs/SRNN.md)")]
    public bool IsoLineSearch { get; init; } = true;

    [Param("training steps before training-time ISO starts (paper: the first 10% of training)", Min = 0, Max = 100000000)]
    public long IsoAfter { get; init; }

    [Param("weight of the L1 penalty on the rebound gate gamma (hnet-rebound only)", Min = 0, Max = 100)]
    public double ReboundPenalty { get; init; } = 1e-3;

    [Param("the rebound gate gamma's value everywhere at the start (hnet-rebound only: a zero output layer with bias logit(gamma)); 0 = the output layer drawn like every other, which starts gamma near 0.5", Min = 0, Max = 0.999)]
    public double ReboundGateInit { get; init; }

    [Param("what the rebound networks read (hnet-rebound only): patches of the background image (the paper) or the positions", OneOf = ["patches", "positions"])]
    public string ReboundInput { get; init; } = "patches";

    // Left out of config.json and the config hash while false, so runs written before it existed keep their hash.
    [Param("hnet-rebound only: reflect fully or not at all (gamma > 0.5 in the forward pass, gamma's gradient passed straight through); false = the paper's soft gate, where gamma near 0.7 cancels the normal momentum instead of reversing it (docs/SRNN.md)")]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool ReboundHardGate { get; init; }

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "auto";

    public Integrator IntegratorKind => Kind(Integrator);

    public Integrator TestIntegratorKind => TestIntegrator == "same" ? IntegratorKind : Kind(TestIntegrator);

    static Integrator Kind(string name) => name switch
    {
        "euler" => Srnn.Integrator.Euler,
        "leapfrog-paper-code" => Srnn.Integrator.LeapfrogCarriedKick,
        _ => Srnn.Integrator.Leapfrog,
    };

    /// <summary>The paper's row name, e.g. "recurrent H-NET L-L".</summary>
    public string RowName => Model is "rnn" or "lstm" ? Model.ToUpperInvariant() + BaselineOutput switch
        {
            "state" => ", readout of the hidden state as the prediction (the form of the paper code's RNN)",
            "hidden" => ", hidden state as the prediction (the form of the paper code's LSTM)",
            _ => "",
        } : Model == "hnet-rebound" ? $"{Training} H-NET + rebound module L-L"
        : $"{Training} {(Model == "hnet" ? "H-NET" : "O-NET")} {Letter(IntegratorKind)}-{Letter(TestIntegratorKind)}"
            + (IntegratorKind == Srnn.Integrator.LeapfrogCarriedKick || TestIntegratorKind == Srnn.Integrator.LeapfrogCarriedKick ? ", the paper code's leapfrog" : "");

    static char Letter(Integrator i) => i == Srnn.Integrator.Euler ? 'E' : 'L';

    /// <summary>The plateau and decay schedules as one, in units of the base learning rate.</summary>
    public EpochSchedule Schedule => new(PlateauPatience, PlateauFactor, EpochDecay, MinLearningRate / LearningRate);

    public Validation<Error, SymplecticRnnConfig> Validate() => ConfigRules.Check(this,
        (MinLearningRate <= LearningRate, $"min-learning-rate {MinLearningRate} exceeds learning-rate {LearningRate}"),
        (IsoRefit != "per-epoch" || (Iso == "train-and-test" && Training == "recurrent" && IsoWarmStart),
            $"iso-refit=per-epoch refits the kept z0 of every training window, so it needs iso=train-and-test, training=recurrent and iso-warm-start=true, not iso={Iso}, training={Training}, iso-warm-start={IsoWarmStart}"),
        (BaselineOutput != "hidden" || Hidden == 2 * Dimension,
            $"baseline-output=hidden makes the hidden state the predicted state, so hidden must be 2 x dimension = {2 * Dimension}, not {Hidden}"));
}

/// <summary>
/// Observed trajectories, T x B x 2d with z = [p, q], and, when they are training windows, their indices in the
/// training set (B, int64), which training-time ISO uses to keep each window's fitted z0 between epochs. With
/// iso-refit=per-epoch the batch that closes an epoch also carries every training window (T x N x 2d, borrowed from
/// the data stage, not disposed with the batch) for the joint refit.
/// </summary>
public sealed record TrajectoryBatch(Tensor States, Tensor? Windows = null, Tensor? TrainingSet = null) : IDisposable
{
    public void Dispose()
    {
        States.Dispose();
        Windows?.Dispose();
    }
}

public sealed class SymplecticRnn : IAlgorithm<SymplecticRnnConfig, ModelState<SymplecticRnnConfig, nn.Module>, TrajectoryBatch>
{
    const string Kind = "srnn/2";

    const string WarmStarts = "iso_z0";

    public static ModelState<SymplecticRnnConfig, nn.Module> Init(SymplecticRnnConfig config, int seed, Device device)
    {
        var random = new Generator((ulong)seed, device);
        var network = Network(config, random, device);
        // The fitted z0 of every training window (NaN until its first fit): a buffer, so checkpoints carry it.
        if (UsesWarmStarts(config))
            network.register_buffer(WarmStarts, full([config.IsoWindows, 2 * config.Dimension], double.NaN, dtype: ScalarType.Float32, device: device));
        return ModelState<SymplecticRnnConfig, nn.Module>.Create(config, network, random);
    }

    static RecurrentBaseline.Output BaselineOutputKind(string name) => name switch
    {
        "state" => RecurrentBaseline.Output.State,
        "hidden" => RecurrentBaseline.Output.Hidden,
        _ => RecurrentBaseline.Output.Residual,
    };

    static bool UsesWarmStarts(SymplecticRnnConfig c) => c.Iso == "train-and-test" && c.IsoWarmStart && c.Training == "recurrent" && c.IsoWindows > 0;

    static nn.Module Network(SymplecticRnnConfig c, Generator random, Device device) => c.Model switch
    {
        "onet" => new OdeNetwork(c.Dimension, c.Hidden, random, device, layers: c.Layers),
        "rnn" or "lstm" => new RecurrentBaseline(c.Model == "lstm", c.Dimension, c.Hidden, random, device, output: BaselineOutputKind(c.BaselineOutput)),
        "hnet-rebound" when c.Dimension == 2 => new ReboundHamiltonianNetwork(c.Hidden, random, device, patches: c.ReboundInput == "patches", gateInit: c.ReboundGateInit,
            hardGate: c.ReboundHardGate),
        "hnet-rebound" => throw new ArgumentException($"the rebound module is built for the 2-D billiard: dimension must be 2, not {c.Dimension}"),
        _ => new HamiltonianNetwork(c.Dimension, c.Hidden, random, device, layers: c.Layers),
    };

    /// <summary>The state's network as a trajectory predictor.</summary>
    public static ITrajectoryModel Model(ModelState<SymplecticRnnConfig, nn.Module> state) => (ITrajectoryModel)state.Model;

    /// <summary>
    /// One Adam step on the trajectory MSE. Recurrent: one rollout from the first state over the whole window.
    /// Single-step: every consecutive pair of the window is a length-2 trajectory. With training-time ISO (after
    /// iso-after steps) the rollouts start from each window's L-BFGS-fitted z0 instead of its noisy first state: fitted
    /// just before the step (iso-refit=per-batch), or kept from the joint refit of every window that follows each
    /// epoch's last step (per-epoch, the paper's code).
    /// </summary>
    public static Step<ModelState<SymplecticRnnConfig, nn.Module>> Update(ModelState<SymplecticRnnConfig, nn.Module> state, TrajectoryBatch batch)
    {
        using var scope = NewDisposeScope();
        var config = state.Config;
        var schedule = config.Schedule;
        if (schedule.Enabled && config.EpochSteps == 0)
            throw new ArgumentException("plateau-patience and epoch-decay need epoch-steps: the recipes set it from the data, code that trains outside them must set it");
        var model = Model(state);
        var states = batch.States;
        if (config.Training == "single-step")
        {
            var (t, width) = (states.shape[0], states.shape[2]);
            states = stack([states.narrow(0, 0, t - 1).reshape(-1, width), states.narrow(0, 1, t - 1).reshape(-1, width)]);
        }
        var perEpoch = config.IsoRefit == "per-epoch";
        var start = perEpoch ? KeptStarts(state, states, batch.Windows)
            : config.Iso == "train-and-test" && state.Adam.Steps >= config.IsoAfter ? FitTrainingStarts(state, states, batch.Windows)
            : states[0];
        var parameters = state.Model.parameters().ToList();
        foreach (var p in parameters) p.grad = null;
        Tensor loss;
        Tensor? gate = null;
        if (model is ReboundHamiltonianNetwork rebound)
        {
            (var predicted, gate) = rebound.RolloutWithGate(start, (int)states.shape[0], config.Dt);
            loss = nn.functional.mse_loss(predicted, states).add(gate.mul(Scalars.Of(config.ReboundPenalty)));
        }
        else loss = nn.functional.mse_loss(model.Rollout(start, (int)states.shape[0], config.IntegratorKind, config.Dt), states);
        loss.backward();
        if (config.ClipNorm > 0) nn.utils.clip_grad_norm_(parameters, config.ClipNorm);
        var learningRate = config.LearningRate * (schedule.Enabled ? state.Schedule.Scale : 1); // a run resumed with the schedule off uses the base rate
        Optim.Adam.Update(new AdamConfig(learningRate), state.Adam, parameters);
        var lossValue = loss.item<float>();
        var epochEnded = config.EpochSteps > 0 && state.Adam.Steps % config.EpochSteps == 0;
        state.Schedule.Observe(schedule, lossValue, epochEnded);
        var metrics = new List<(string, double)> { ("loss", lossValue) };
        if (schedule.Enabled) metrics.Add(("learning_rate", learningRate));
        if (perEpoch && epochEnded && state.Adam.Steps >= config.IsoAfter)
            metrics.AddRange(RefitAll(state, batch.TrainingSet
                ?? throw new ArgumentException("iso-refit=per-epoch needs the batch that closes each epoch to carry the training set (TrajectoryBatch.TrainingSet; the SRNN recipes send it)")));
        // The mean rebound gate shows whether the module learns to stay off away from walls.
        if (gate is not null) metrics.Add(("rebound_gate", gate.item<float>()));
        return new Step<ModelState<SymplecticRnnConfig, nn.Module>>(state, Metrics.Of([.. metrics]));
    }

    /// <summary>
    /// Training-time ISO: L-BFGS fits of the batch's z0. With warm starts each window's fit starts from its previous
    /// one (the noisy first observation the first time) and is kept for the next; otherwise it starts from the noisy
    /// observation every time.
    /// </summary>
    static Tensor FitTrainingStarts(ModelState<SymplecticRnnConfig, nn.Module> state, Tensor states, Tensor? windows)
    {
        var config = state.Config;
        var model = Model(state);
        if (!UsesWarmStarts(config) || windows is null)
            return InitialStateOptimisation.Fit(model, states, config.IsoIterations, config.IntegratorKind, config.Dt, lineSearch: config.IsoLineSearch);
        var table = KeptTable(state, windows);
        var fitted = InitialStateOptimisation.Fit(model, states, config.IsoIterations, config.IntegratorKind, config.Dt,
            KeptOrObserved(table.index_select(0, windows), states[0]), config.IsoLineSearch);
        using (no_grad()) table.index_copy_(0, windows, fitted);
        return fitted;
    }

    /// <summary>The kept fits of the batch's windows (per-epoch refits), the noisy first observations where there is none yet.</summary>
    static Tensor KeptStarts(ModelState<SymplecticRnnConfig, nn.Module> state, Tensor states, Tensor? windows)
    {
        if (windows is null) throw new ArgumentException("iso-refit=per-epoch needs the batch's window indices (TrajectoryBatch.Windows)");
        return KeptOrObserved(KeptTable(state, windows).index_select(0, windows), states[0]);
    }

    /// <summary>Each row's kept z0, or its noisy first observation where it has none yet (NaN).</summary>
    static Tensor KeptOrObserved(Tensor kept, Tensor observed) => where(kept.isnan().any(1, keepdim: true).logical_not(), kept, observed);

    /// <summary>
    /// The paper code's training-time ISO: after an epoch, one L-BFGS run on the z0 of every training window jointly
    /// (the MSE over the whole set), from the kept fits (the noisy first observations the first time), computed in
    /// chunks of <see cref="RefitChunk"/> windows. Reports the mean |change| of z0 (what the paper's code prints) and
    /// the windows' trajectory MSE before and after (mean, and the worst window's after).
    /// </summary>
    static (string, double)[] RefitAll(ModelState<SymplecticRnnConfig, nn.Module> state, Tensor all)
    {
        var config = state.Config;
        var table = Kept(state);
        if (all.dim() != 3 || all.shape[1] != table.shape[0] || all.shape[2] != table.shape[1])
            throw new ArgumentException($"the training set must be T x {table.shape[0]} (iso-windows) x {table.shape[1]}, not [{string.Join(", ", all.shape)}]");
        var model = Model(state);
        var from = KeptOrObserved(table, all[0]);
        var before = InitialStateOptimisation.Losses(model, from, all, config.IntegratorKind, config.Dt, RefitChunk);
        var fitted = InitialStateOptimisation.Fit(model, all, config.IsoIterations, config.IntegratorKind, config.Dt, from, config.IsoLineSearch, RefitChunk);
        var after = InitialStateOptimisation.Losses(model, fitted, all, config.IntegratorKind, config.Dt, RefitChunk);
        using (no_grad()) table.copy_(fitted);
        static double Value(Tensor t) => t.to_type(ScalarType.Float64).item<double>();
        return
        [
            ("iso_refit_change", Value(fitted.sub(from).abs().mean())),
            ("iso_refit_loss_before", Value(before.mean())),
            ("iso_refit_loss_after", Value(after.mean())),
            ("iso_refit_worst_after", Value(after.max())),
        ];
    }

    /// <summary>Windows per rollout graph in the joint refit: bounds its memory (at 41,000 windows and 2,048 units one graph would hold 336 MB per hidden activation per step).</summary>
    const int RefitChunk = 1024;

    /// <summary>The kept z0 of every training window (a buffer of the network).</summary>
    static Tensor Kept(ModelState<SymplecticRnnConfig, nn.Module> state) =>
        state.Model.named_buffers().SingleOrDefault(b => b.name == WarmStarts).buffer
        ?? throw new ArgumentException("training-time ISO keeps one z0 per training window, so iso-windows must be set (the recipes set it from the data)");

    static Tensor KeptTable(ModelState<SymplecticRnnConfig, nn.Module> state, Tensor windows)
    {
        var table = Kept(state);
        var (lowest, highest) = (windows.min().item<long>(), windows.max().item<long>());
        if (lowest < 0 || highest >= table.shape[0])
            throw new ArgumentException($"window indices must lie in [0, {table.shape[0]}) (iso-windows), got {lowest} to {highest}");
        return table;
    }

    /// <summary>
    /// The SRNN tables' test error per trajectory: the L2 distance between the predicted and true positions (all d
    /// coordinates of q as one vector), averaged over the states of <paramref name="truth"/> (T x B x 2d).
    /// </summary>
    public static double[] PositionErrors(Tensor predicted, Tensor truth, int dimension)
    {
        using var scope = NewDisposeScope();
        return PositionDistances(predicted, truth, dimension).mean([0]).cpu().data<double>().ToArray();
    }

    /// <summary>The L2 distance between predicted and true positions at every state of every trajectory (T x B, float64).</summary>
    public static Tensor PositionDistances(Tensor predicted, Tensor truth, int dimension)
    {
        if (!predicted.shape.SequenceEqual(truth.shape))
            throw new ArgumentException($"predicted [{string.Join(", ", predicted.shape)}] and true [{string.Join(", ", truth.shape)}] trajectories differ in shape");
        var difference = predicted.narrow(2, dimension, dimension).to_type(ScalarType.Float64).sub(truth.narrow(2, dimension, dimension).to_type(ScalarType.Float64));
        return difference.mul(difference).sum(2).sqrt();
    }

    /// <summary>
    /// The test-time prediction: from the first of the noisy observations <paramref name="observed"/> (T0 x B x 2d),
    /// or with ISO from z0 fitted to all T0 of them, <paramref name="states"/> states with the test integrator (detached).
    /// </summary>
    public static Tensor Predict(ModelState<SymplecticRnnConfig, nn.Module> state, Tensor observed, int states, bool iso)
    {
        var config = state.Config;
        var model = Model(state);
        var start = iso ? InitialStateOptimisation.Fit(model, observed, config.IsoIterations, config.TestIntegratorKind, config.Dt, lineSearch: config.IsoLineSearch) : observed[0];
        using var enabled = enable_grad();
        return model.Rollout(start, states, config.TestIntegratorKind, config.Dt).detach();
    }

    public static byte[] Save(ModelState<SymplecticRnnConfig, nn.Module> state) => state.Save(Kind);

    public static ModelState<SymplecticRnnConfig, nn.Module> Load(SymplecticRnnConfig config, byte[] payload, Device device) =>
        Init(config, 0, device).Load(Kind, payload);
}
