using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Irm;

/// <summary>
/// Φ for every problem (P x d x d, float64), Adam's moments, and each problem's error weight. Problem p is
/// repetition p / R with regularizer p mod R, for the R values of <see cref="LinearIrmConfig.Regs"/>.
/// </summary>
public sealed class LinearIrmState(LinearIrmConfig config, Tensor phi, AdamState adam, Tensor regs) : IDisposable
{
    public LinearIrmConfig Config { get; } = config;
    public Tensor Phi { get; } = phi;
    public AdamState Adam { get; } = adam;
    public Tensor Regs { get; } = regs;

    public void Dispose()
    {
        Phi.Dispose();
        Adam.Dispose();
        Regs.Dispose();
    }
}

/// <summary>The training environments of every problem, as second moments (owned by whoever built them).</summary>
public sealed record LinearIrmBatch(IReadOnlyList<SecondMoments> Train);

/// <summary>
/// IRMv1 for the synthetic experiments as the reference trains it (irm_ngu.md 1.8): Φ starts at the identity; each
/// step is one Adam step on reg · Σ_e MSE_e + (1 − reg) · Σ_e penalty_e over the training environments, for every
/// repetition and every regularizer at once (independent problems: Adam is element-wise, so one batched Adam is P
/// separate ones). The solution is Φ·w; <see cref="Select"/> keeps, per repetition, the regularizer with the
/// smallest error on the validation environment. Deterministic: there is nothing random to draw.
/// </summary>
public sealed class LinearIrm : IAlgorithm<LinearIrmConfig, LinearIrmState, LinearIrmBatch>
{
    const string Kind = "irm-linear-sem/1";

    public static LinearIrmState Init(LinearIrmConfig config, int seed, Device device)
    {
        var regs = config.RegValues;
        var problems = config.Reps * regs.Count;
        var phi = eye(config.Dim, dtype: ScalarType.Float64, device: device).repeat(problems, 1, 1).requires_grad_();
        var weights = tensor(regs.ToArray(), dtype: ScalarType.Float64, device: device).repeat(config.Reps);
        return new LinearIrmState(config, phi, Optim.Adam.Init([phi]), weights);
    }

    public static Step<LinearIrmState> Update(LinearIrmState state, LinearIrmBatch batch)
    {
        var phi = state.Phi;
        if (batch.Train.Count == 0 || batch.Train.Any(e => e.Problems != phi.shape[0]))
            throw new ArgumentException($"every training environment must hold the moments of all {phi.shape[0]} problems (repetitions x regularizers)", nameof(batch));
        using var scope = NewDisposeScope();
        phi.grad = null;
        var v = LinearIrmPenalty.Predictor(phi);
        var error = batch.Train.Select(e => e.Risk(v)).Aggregate((a, b) => a.add(b));
        var penalty = batch.Train.Select(e => LinearIrmPenalty.ClosedForm(e, phi)).Aggregate((a, b) => a.add(b));
        // Summing the problems' objectives keeps their gradients apart: each Φ_p enters only its own term.
        state.Regs.mul(error).add(state.Regs.neg().add(1).mul(penalty)).sum().backward();
        Optim.Adam.Update(new AdamConfig(state.Config.LearningRate), state.Adam, [phi]);
        using var _ = no_grad();
        return new Step<LinearIrmState>(state, Metrics.Of(("error", error.mean().item<double>()), ("penalty", penalty.mean().item<double>())));
    }

    /// <summary>The solutions Φ·w of every problem (P x d x 1), detached.</summary>
    public static Tensor Solutions(LinearIrmState state)
    {
        using var _ = no_grad();
        return LinearIrmPenalty.Predictor(state.Phi).detach();
    }

    /// <summary>
    /// Per repetition, the solution whose error on <paramref name="validation"/> (moments of each problem) is
    /// smallest, the first on ties as the reference's strict comparison: (Reps x d x 1, the chosen regularizers).
    /// </summary>
    public static (Tensor Solutions, double[] Regs) Select(LinearIrmState state, SecondMoments validation)
    {
        using var scope = NewDisposeScope();
        var count = state.Config.RegValues.Count;
        var solutions = Solutions(state);
        var errors = validation.Risk(solutions).view(state.Config.Reps, count);
        var best = errors.argmin(1).cpu();
        var picked = best.data<long>().Select((k, rep) => rep * count + k).ToArray();
        var chosen = solutions.index_select(0, tensor(picked, device: solutions.device)).MoveToOuterDisposeScope();
        return (chosen, best.data<long>().Select(k => state.Config.RegValues[(int)k]).ToArray());
    }

    public static byte[] Save(LinearIrmState state)
    {
        using var archive = new TensorArchiveWriter(Kind);
        archive.Add("phi", state.Phi);
        state.Adam.Save(archive);
        return archive.ToArray();
    }

    public static LinearIrmState Load(LinearIrmConfig config, byte[] payload, Device device)
    {
        var state = Init(config, seed: 0, device);
        try
        {
            using var archive = new TensorArchiveReader(payload, Kind);
            archive.ReadInto("phi", state.Phi);
            state.Adam.Load(archive);
            return state;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }
}
