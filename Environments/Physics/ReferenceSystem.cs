using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Environments.Physics;

/// <summary>
/// A physical system the SRNN experiments observe (seq.md 2.3): its state z = [p, q] (2d numbers), its energy, how to
/// draw an initial state from uniform random numbers, and a high-accuracy reference integrator.
/// </summary>
public interface IReferenceSystem
{
    /// <summary>d: p and q have d coordinates each.</summary>
    int Dimension { get; }

    /// <summary>How many U(0, 1) numbers <see cref="InitialState"/> consumes.</summary>
    int RandomsPerState { get; }

    /// <summary>An initial state z = [p, q] from <see cref="RandomsPerState"/> uniform numbers.</summary>
    double[] InitialState(ReadOnlySpan<double> uniforms);

    /// <summary>Which of the uniform numbers are drawn once per dataset and shared by all its trajectories (none by default).</summary>
    IReadOnlyList<int> SharedRandoms => [];

    /// <summary>H(z).</summary>
    double Energy(ReadOnlySpan<double> z);

    /// <summary>Advances z in place by <paramref name="dt"/> with <paramref name="substeps"/> reference steps.</summary>
    void Advance(double[] z, double dt, int substeps);

    /// <summary>
    /// One kick-drift-kick leapfrog step of the true equations at the models' coarse step (Table 3's "simulation"
    /// row); false when the system has no such step (the billiard's walls are not a force).
    /// </summary>
    bool TryLeapfrogStep(double[] z, double dt);
}

/// <summary>Seeded trajectories of a reference system in the SRNN layout (T x B x 2d, float64, state 0 the initial one).</summary>
public static class ReferenceTrajectories
{
    /// <summary>
    /// <paramref name="count"/> clean trajectories of <paramref name="states"/> states spaced <paramref name="dt"/>,
    /// each step <paramref name="substeps"/> steps of the reference integrator.
    /// </summary>
    public static Tensor Generate(IReferenceSystem system, int count, int states, double dt, int substeps, Generator generator)
    {
        if (count < 1) throw new ArgumentException($"the trajectory count must be at least 1, not {count}");
        if (states < 1) throw new ArgumentException($"a trajectory needs at least 1 state, not {states}");
        if (!(dt > 0)) throw new ArgumentException($"the time step must be positive, not {dt}");
        if (substeps < 1) throw new ArgumentException($"the reference integrator needs at least 1 substep per step, not {substeps}");
        var width = 2 * system.Dimension;
        using var uniforms = rand([count, system.RandomsPerState], dtype: ScalarType.Float64, generator: generator);
        var u = uniforms.data<double>().ToArray();
        foreach (var column in system.SharedRandoms)
            for (var b = 1; b < count; b++) u[b * system.RandomsPerState + column] = u[column];
        var values = new double[states * count * width];
        Parallel.For(0, count, b =>
        {
            var z = system.InitialState(u.AsSpan(b * system.RandomsPerState, system.RandomsPerState));
            for (var t = 0; t < states; t++)
            {
                if (t > 0) system.Advance(z, dt, substeps);
                z.CopyTo(values, (t * count + b) * width);
            }
        });
        return tensor(values, [states, count, width], dtype: ScalarType.Float64);
    }

    /// <summary>Observations: <paramref name="clean"/> plus i.i.d. N(0, noise^2) on every coordinate of every state (paper: train and test).</summary>
    public static Tensor Observe(Tensor clean, double noise, Generator generator)
    {
        if (noise < 0) throw new ArgumentException($"the noise level must be non-negative, not {noise}");
        if (noise == 0) return clean.clone();
        using var sigma = noise.ToScalar();
        using var eps = randn(clean.shape, dtype: clean.dtype, generator: generator);
        return clean.add(eps.mul(sigma));
    }

    /// <summary>The energy of every state of a trajectory batch (T x B x 2d) under the true Hamiltonian, T x B.</summary>
    public static double[,] Energies(IReferenceSystem system, Tensor trajectories)
    {
        if (trajectories.dim() != 3 || trajectories.shape[2] != 2 * system.Dimension)
            throw new ArgumentException($"trajectories must be T x B x {2 * system.Dimension}, not [{string.Join(", ", trajectories.shape)}]");
        using var cpu = trajectories.detach().cpu().to_type(ScalarType.Float64);
        var values = cpu.data<double>().ToArray();
        var (t, b, w) = ((int)trajectories.shape[0], (int)trajectories.shape[1], (int)trajectories.shape[2]);
        var energies = new double[t, b];
        for (var i = 0; i < t; i++)
            for (var j = 0; j < b; j++)
                energies[i, j] = system.Energy(values.AsSpan((i * b + j) * w, w));
        return energies;
    }
}
