using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Environments.Physics;

public enum OscillatorSystem
{
    /// <summary>The HNN ideal spring, H = q^2 + p^2: q = r cos(2t + phi), p = -r sin(2t + phi).</summary>
    Spring,
    /// <summary>The HNN ideal pendulum, H = 3 (1 - cos q) + p^2, integrated with fine leapfrog steps as ground truth.</summary>
    Pendulum,
}

/// <summary>
/// Trajectories of the Hamiltonian Neural Networks paper's 1-D systems (seq.md 2.6) in the SRNN layout: T states,
/// (T x B x 2) with z = [p, q], state 0 the initial one. Initial radii U[0.1, 1] (spring) or U[1.3, 2.3]
/// (pendulum) in a random direction; optional Gaussian observation noise on every state.
/// </summary>
public static class OneDimensionalSystems
{
    public static double Energy(OscillatorSystem system, double p, double q) =>
        system == OscillatorSystem.Spring ? q * q + p * p : 3 * (1 - Math.Cos(q)) + p * p;

    public static Tensor Trajectories(OscillatorSystem system, int count, int states, double dt, double noise, Generator generator)
    {
        var (low, high) = system == OscillatorSystem.Spring ? (0.1, 1.0) : (1.3, 2.3);
        var radius = rand([count], dtype: ScalarType.Float64, generator: generator).data<double>().ToArray();
        var angle = rand([count], dtype: ScalarType.Float64, generator: generator).data<double>().ToArray();
        var values = new double[states * count * 2];
        for (var b = 0; b < count; b++)
        {
            var r = low + (high - low) * radius[b];
            var phi = 2 * Math.PI * angle[b];
            var (p, q) = (r * Math.Sin(phi), r * Math.Cos(phi));
            for (var t = 0; t < states; t++)
            {
                if (system == OscillatorSystem.Spring)
                {
                    // Exact: (q, p) rotates at angular frequency 2.
                    var (c, s) = (Math.Cos(2 * dt * t), Math.Sin(2 * dt * t));
                    var (q0, p0) = (r * Math.Cos(phi), r * Math.Sin(phi));
                    (q, p) = (q0 * c + p0 * s, p0 * c - q0 * s);
                }
                else if (t > 0)
                {
                    // Ground truth: 1,000 leapfrog sub-steps per observation step (error far below the noise).
                    var h = dt / 1000;
                    for (var k = 0; k < 1000; k++)
                    {
                        p -= h / 2 * 3 * Math.Sin(q);
                        q += h * 2 * p;
                        p -= h / 2 * 3 * Math.Sin(q);
                    }
                }
                values[(t * count + b) * 2] = p;
                values[(t * count + b) * 2 + 1] = q;
            }
        }
        var clean = tensor(values, [states, count, 2], dtype: ScalarType.Float64);
        if (noise <= 0) return clean.to_type(ScalarType.Float32);
        using var _ = clean;
        using var sigma = noise.ToScalar();
        return clean.add(randn(clean.shape, dtype: ScalarType.Float64, generator: generator).mul_(sigma)).to_type(ScalarType.Float32);
    }
}
