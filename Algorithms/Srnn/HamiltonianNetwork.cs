using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// H-NET (SRNN paper section 3): H(p, q) = K(p) + V(q), two tanh MLPs with a scalar output each (App. A: one hidden
/// layer of 2048 for the chain, three of 512 for three-body); K'(p) and V'(q) by autograd with create_graph, so
/// training can backpropagate through the integrator.
/// </summary>
public sealed class HamiltonianNetwork : nn.Module<Tensor, Tensor, Tensor>, ISeparableHamiltonian, ITrajectoryModel
{
    readonly Sequential kinetic;
    readonly Sequential potential;

    public HamiltonianNetwork(int dimension, int hidden, Generator generator, Device device, ScalarType dtype = ScalarType.Float32, int layers = 1) : base("hnet")
    {
        kinetic = TanhMlp.Create(dimension, hidden, layers, 1, generator, device, dtype);
        potential = TanhMlp.Create(dimension, hidden, layers, 1, generator, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor p, Tensor q) => Energy(p, q);

    public Tensor Energy(Tensor p, Tensor q) => kinetic.call(p).add(potential.call(q)).squeeze(1);

    /// <summary>The learned potential V(q) per row, B: the part of the energy that depends on the positions.</summary>
    public Tensor Potential(Tensor q) => potential.call(q).squeeze(1);

    static Tensor Gradient(Sequential f, Tensor x)
    {
        var input = x.requires_grad ? x : x.detach().requires_grad_();
        // create_graph so the loss can differentiate through the dynamics; retain_graph because TorchSharp does not imply it.
        return autograd.grad([f.call(input).sum()], [input], retain_graph: true, create_graph: true)[0];
    }

    public Tensor KineticGradient(Tensor p) => Gradient(kinetic, p);

    public Tensor PotentialGradient(Tensor q) => Gradient(potential, q);

    public Tensor Rollout(Tensor z0, int states, Integrator integrator, double dt) => Integrate.Trajectory(this, integrator, z0, states, dt);
}
