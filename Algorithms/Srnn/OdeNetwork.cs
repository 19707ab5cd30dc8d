using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// O-NET (SRNN paper section 3): one tanh MLP f(p, q) -> (dp/dt, dq/dt) without Hamiltonian structure
/// (App. A.1: 40 -> 2048 -> 40 for the chain), integrated by the same integrators as the H-NET.
/// </summary>
public sealed class OdeNetwork : nn.Module<Tensor, Tensor>, IDynamics, ITrajectoryModel
{
    readonly Sequential field;
    readonly long dimension;

    public OdeNetwork(int dimension, int hidden, Generator generator, Device device, ScalarType dtype = ScalarType.Float32, int layers = 1) : base("onet")
    {
        this.dimension = dimension;
        field = TanhMlp.Create(2 * dimension, hidden, layers, 2 * dimension, generator, device, dtype);
        RegisterComponents();
    }

    /// <summary>(dp/dt, dq/dt) of z = [p, q], B x 2d.</summary>
    public override Tensor forward(Tensor z) => field.call(z);

    public Tensor Dp(Tensor p, Tensor q) => forward(cat([p, q], 1)).narrow(1, 0, dimension);

    public Tensor Dq(Tensor p, Tensor q) => forward(cat([p, q], 1)).narrow(1, dimension, dimension);

    public Tensor Rollout(Tensor z0, int states, Integrator integrator, double dt) => Integrate.Trajectory(this, integrator, z0, states, dt);
}
