using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>The SRNN paper's networks (App. A): tanh MLPs, initialised U(-1/sqrt(fan in), 1/sqrt(fan in)) from an explicit generator.</summary>
public static class TanhMlp
{
    /// <summary>inputs -> hidden (x <paramref name="layers"/>, tanh) -> outputs; with no hidden layer, one linear map.</summary>
    public static Sequential Create(int inputs, int hidden, int layers, int outputs, Generator generator, Device device, ScalarType dtype)
    {
        var modules = new List<nn.Module<Tensor, Tensor>>();
        for (var layer = 0; layer < layers; layer++)
        {
            modules.Add(nn.Linear(layer == 0 ? inputs : hidden, hidden, device: device, dtype: dtype));
            modules.Add(nn.Tanh());
        }
        modules.Add(nn.Linear(layers == 0 ? inputs : hidden, outputs, device: device, dtype: dtype));
        var mlp = nn.Sequential(modules);
        using var _ = no_grad();
        foreach (var linear in mlp.children().OfType<Linear>())
        {
            var bound = 1 / Math.Sqrt(linear.in_features);
            linear.weight!.uniform_(-bound, bound, generator);
            linear.bias!.uniform_(-bound, bound, generator);
        }
        return mlp;
    }
}

/// <summary>A learned model that predicts a whole trajectory (T x B x 2d, state 0 the given one) from its first state.</summary>
public interface ITrajectoryModel
{
    /// <summary>
    /// <paramref name="states"/> states from z0 (B x 2d); the vector-field models integrate with
    /// <paramref name="integrator"/> at step <paramref name="dt"/>, the recurrent baselines ignore both.
    /// </summary>
    Tensor Rollout(Tensor z0, int states, Integrator integrator, double dt);
}
