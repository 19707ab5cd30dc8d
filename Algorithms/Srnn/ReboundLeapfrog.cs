using Pipeline.Algorithms.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// The SRNN paper's augmented leapfrog for bouncing dynamics (section 6, eqs. 5-9): from a tentative step LF_dt, a
/// rebound module proposes a wall normal n = gamma n_bar (|n| &lt;= 1, zero when nothing is hit) and the fraction
/// alpha of the step before the collision; the step is then LF_{alpha dt}, the reflection p - 2 (p.n) n, and
/// LF_{(1 - alpha) dt}. At most one rebound per step (the paper's stated limitation at corners).
/// </summary>
public static class ReboundLeapfrog
{
    /// <summary>p - 2 (p.n) n per row (eq. 8); preserves |p| for a unit n and is the identity for n = 0.</summary>
    public static Tensor Reflect(Tensor p, Tensor n) => p.sub(n.mul(p.mul(n).sum(1, keepdim: true).mul(Scalars.Of(2))));

    /// <summary>One augmented step with the given normals n (B x d) and collision fractions alpha (B x 1, in [0, 1]).</summary>
    public static (Tensor P, Tensor Q) Step(IDynamics h, Tensor p, Tensor q, double dt, Tensor normal, Tensor alpha)
    {
        // Leapfrog with a per-row step: the step enters only through products, so a B x 1 column of steps works as dt.
        var (pPre, qPre) = ColumnStep(h, p, q, alpha.mul(Scalars.Of(dt)));
        var pPost = Reflect(pPre, normal);
        return ColumnStep(h, pPost, qPre, alpha.neg().add(Scalars.Of(1)).mul(Scalars.Of(dt)));
    }

    static (Tensor P, Tensor Q) ColumnStep(IDynamics f, Tensor p, Tensor q, Tensor dt)
    {
        var half = dt.mul(Scalars.Of(0.5));
        var pHalf = p.add(f.Dp(p, q).mul(half));
        var qNext = q.add(f.Dq(pHalf, q).mul(dt));
        return (pHalf.add(f.Dp(pHalf, qNext).mul(half)), qNext);
    }
}

/// <summary>
/// SRNN with the rebound module for the heavy billiard (App. A.3): an H-NET (2 -> 32 -> 1 per MLP) and three small
/// tanh networks: n_bar from two 10 x 10 patches of the background image (<see cref="BilliardImage"/>) centred at q_t
/// and q_tentative (200 inputs) -> 128 -> 32 -> 2, normalised; alpha sharing n_bar's first layer -> 32 -> 1 with a
/// ReLU (clamped to 1); gamma = sigmoid(MLP(2 x 2 patch at q_tentative) -> 16 -> 16 -> 1), L1-penalised so the module
/// switches off away from walls. With <c>patches</c> false the networks read the positions (q_t, q_tentative) and
/// q_tentative instead, which for the one fixed box carries the same information but must be learned as geometry.
/// </summary>
public sealed class ReboundHamiltonianNetwork : nn.Module<Tensor, Tensor>, ITrajectoryModel
{
    public const int NormalPatch = 10, GatePatch = 2;

    readonly HamiltonianNetwork hamiltonian;
    readonly Sequential shared;
    readonly Sequential normalHead;
    readonly Sequential alphaHead;
    readonly Sequential gateNet;
    readonly BilliardImage? image;
    readonly bool hardGate;

    public ReboundHamiltonianNetwork(int hidden, Generator generator, Device device, ScalarType dtype = ScalarType.Float32, bool patches = true,
        double gateInit = 0, bool hardGate = false) : base("hnet-rebound")
    {
        this.hardGate = hardGate;
        hamiltonian = new HamiltonianNetwork(2, hidden, generator, device, dtype);
        image = patches ? new BilliardImage(device, dtype) : null;
        var (normalInputs, gateInputs) = patches ? (2 * NormalPatch * NormalPatch, GatePatch * GatePatch) : (4, 2);
        shared = nn.Sequential(TanhMlp.Create(normalInputs, 128, 0, 128, generator, device, dtype), nn.Tanh());
        normalHead = TanhMlp.Create(128, 32, 1, 2, generator, device, dtype);
        alphaHead = TanhMlp.Create(128, 32, 1, 1, generator, device, dtype);
        gateNet = TanhMlp.Create(gateInputs, 16, 2, 1, generator, device, dtype);
        if (gateInit > 0) StartGateAt(gateInit);
        RegisterComponents();
    }

    // A gate drawn like the other layers starts near 0.5: every step then reflects half-strength along a random
    // normal until training closes it. A zero output layer with bias logit(gamma0) starts it at gamma0 everywhere
    // instead; the output weights still get gradients (the hidden features are not zero), so it can learn the walls.
    void StartGateAt(double gamma0)
    {
        using var _ = no_grad();
        var output = gateNet.children().OfType<Linear>().Last();
        output.weight!.zero_();
        output.bias!.fill_(Math.Log(gamma0 / (1 - gamma0)));
    }

    /// <summary>The learned energy of z = [p, q] (B x 4).</summary>
    public override Tensor forward(Tensor z) => hamiltonian.Energy(z.narrow(1, 0, 2), z.narrow(1, 2, 2));

    /// <summary>The H-NET's learned potential V(q) per row (B x 2 positions): where the walls would be if it learned them as forces.</summary>
    public Tensor Potential(Tensor q) => hamiltonian.Potential(q);

    public Tensor Rollout(Tensor z0, int states, Integrator integrator, double dt) => RolloutWithGate(z0, states, dt).Trajectory;

    /// <summary>The trajectory and the mean gate |gamma| over its steps (the L1 penalty's value).</summary>
    public (Tensor Trajectory, Tensor Gate) RolloutWithGate(Tensor z0, int states, double dt)
    {
        var (trajectory, gates, _) = Steps(z0, states, dt);
        return (stack(trajectory), gates.Count == 0 ? zeros(1, dtype: z0.dtype, device: z0.device).sum() : cat(gates, 1).mean());
    }

    /// <summary>
    /// Per step of a rollout (detached, T-1 x B each): the gate gamma, and the tentative position q_tentative (T-1 x B x 2),
    /// to see where the module fires: at steps whose tentative move leaves the box, or elsewhere as well.
    /// </summary>
    public (Tensor Gates, Tensor Tentative) GatesAlongRollout(Tensor z0, int states, double dt)
    {
        var (_, gates, tentative) = Steps(z0, states, dt);
        return (cat(gates, 1).t().detach(), stack(tentative).detach());
    }

    (List<Tensor> Trajectory, List<Tensor> Gates, List<Tensor> Tentative) Steps(Tensor z0, int states, double dt)
    {
        var (p, q) = (z0.narrow(1, 0, 2), z0.narrow(1, 2, 2));
        var trajectory = new List<Tensor>(states) { z0 };
        var gates = new List<Tensor>();
        var tentatives = new List<Tensor>();
        for (var t = 1; t < states; t++)
        {
            var (_, qTentative) = Integrate.Step(hamiltonian, Integrator.Leapfrog, p, q, dt);
            tentatives.Add(qTentative);
            var (normalInput, gateInput) = image is null
                ? (cat([q, qTentative], 1), qTentative)
                : (cat([image.Patches(q, NormalPatch), image.Patches(qTentative, NormalPatch)], 1), image.Patches(qTentative, GatePatch));
            var features = shared.call(normalInput);
            var direction = normalHead.call(features);
            var unit = direction.div(direction.mul(direction).sum(1, keepdim: true).add(Scalars.Of(1e-12)).sqrt());
            var alpha = alphaHead.call(features).relu().clamp_max(1);
            var gate = gateNet.call(gateInput).sigmoid();
            gates.Add(gate);
            // Hard: a full reflection or none in the forward pass; the backward pass sees gamma (straight-through).
            var strength = hardGate ? gate.gt(Scalars.Of(0.5)).to_type(gate.dtype).add(gate.sub(gate.detach())) : gate;
            (p, q) = ReboundLeapfrog.Step(hamiltonian, p, q, dt, unit.mul(strength), alpha);
            trajectory.Add(cat([p, q], 1));
        }
        return (trajectory, gates, tentatives);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) image?.Dispose();
        base.Dispose(disposing);
    }
}
