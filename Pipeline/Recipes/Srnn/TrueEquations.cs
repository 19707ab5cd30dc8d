using Pipeline.Algorithms.Srnn;
using Pipeline.Environments.Physics;
using static TorchSharp.torch;

namespace Pipeline.Recipes.Srnn;

/// <summary>
/// Table 3's "simulation" row: the true equations integrated by leapfrog at the models' coarse step from the first
/// observed state. The bar a learned model is measured against, and a scale for the test error that does not depend on
/// how the error is normalised.
/// </summary>
public static class TrueEquations
{
    /// <summary>The rollout (T x B x 2d, float64, shaped as <paramref name="truth"/>), or null when the system has no
    /// leapfrog step of its true equations (the billiard's walls are not a force).</summary>
    public static Tensor? Rollout(IReferenceSystem system, Tensor observed, Tensor truth, double dt)
    {
        var (t, b, w) = ((int)truth.shape[0], (int)truth.shape[1], (int)truth.shape[2]);
        using var start = observed[0].to_type(ScalarType.Float64).cpu().contiguous();
        var z0 = start.data<double>().ToArray();
        var values = new double[t * b * w];
        for (var j = 0; j < b; j++)
        {
            var z = z0.AsSpan(j * w, w).ToArray();
            for (var i = 0; i < t; i++)
            {
                if (i > 0 && !system.TryLeapfrogStep(z, dt)) return null;
                z.CopyTo(values, (i * b + j) * w);
            }
        }
        return tensor(values, [t, b, w], dtype: ScalarType.Float64);
    }

    /// <summary>The mean test error of <see cref="Rollout"/> (NaN when the system has no leapfrog step).</summary>
    public static double Error(IReferenceSystem system, Tensor observed, Tensor truth, double dt)
    {
        using var rollout = Rollout(system, observed, truth, dt);
        if (rollout is null) return double.NaN;
        using var onDevice = rollout.to(truth.device);
        return SymplecticRnn.PositionErrors(onDevice, truth, system.Dimension).Average();
    }
}
