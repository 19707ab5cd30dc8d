using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// H-NET (SRNN paper section 3): H(p, q) = K(p) + V(q), two tanh MLPs with a scalar output each; K'(p) and V'(q)
/// by autograd with create_graph, so training can backpropagate through the integrator.
/// </summary>
public sealed class HamiltonianNetwork : nn.Module<Tensor, Tensor, Tensor>, ISeparableHamiltonian
{
    readonly Sequential kinetic;
    readonly Sequential potential;

    public HamiltonianNetwork(int dimension, int hidden, Generator generator, Device device, ScalarType dtype = ScalarType.Float32) : base("hnet")
    {
        kinetic = Mlp(dimension, hidden, device, dtype);
        potential = Mlp(dimension, hidden, device, dtype);
        RegisterComponents();
        using var _ = no_grad();
        foreach (var layer in new[] { kinetic, potential }.SelectMany(s => s.children()).OfType<Linear>())
        {
            var bound = 1 / Math.Sqrt(layer.in_features);
            layer.weight!.uniform_(-bound, bound, generator);
            layer.bias!.uniform_(-bound, bound, generator);
        }
    }

    static Sequential Mlp(int inputs, int hidden, Device device, ScalarType dtype) =>
        nn.Sequential(nn.Linear(inputs, hidden, device: device, dtype: dtype), nn.Tanh(), nn.Linear(hidden, 1, device: device, dtype: dtype));

    public override Tensor forward(Tensor p, Tensor q) => Energy(p, q);

    public Tensor Energy(Tensor p, Tensor q) => kinetic.call(p).add(potential.call(q)).squeeze(1);

    static Tensor Gradient(Sequential f, Tensor x)
    {
        var input = x.requires_grad ? x : x.detach().requires_grad_();
        // create_graph so the loss can differentiate through the dynamics; retain_graph because TorchSharp does not imply it.
        return autograd.grad([f.call(input).sum()], [input], retain_graph: true, create_graph: true)[0];
    }

    public Tensor KineticGradient(Tensor p) => Gradient(kinetic, p);

    public Tensor PotentialGradient(Tensor q) => Gradient(potential, q);
}
