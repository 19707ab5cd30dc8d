using static TorchSharp.torch;

namespace Pipeline.Environments.Physics;

/// <summary>
/// The SRNN paper's spring chain (section 4, App. A.1; seq.md 2.3): masses in a line, neighbours joined by springs
/// and both ends tied to the ground, 1-D transverse motion:
/// H = sum p_i^2 / (2 m_i) + 1/2 sum k_i (q_i - q_{i+1})^2 + 1/2 k_0 q_1^2 + 1/2 k_n q_n^2.
/// Reference integrator: leapfrog at a fine step (paper: 0.001, coarsened x100 to the observed 0.1).
/// </summary>
public sealed class SpringChain : IReferenceSystem
{
    /// <summary>k_0..k_n: spring j joins mass j-1 and mass j, with the ground at both ends (n + 1 springs).</summary>
    public IReadOnlyList<double> Springs { get; }

    public IReadOnlyList<double> Masses { get; }

    readonly double[] k;
    readonly double[] m;

    public SpringChain(IReadOnlyList<double> springs, IReadOnlyList<double> masses)
    {
        if (masses.Count < 1) throw new ArgumentException("a spring chain needs at least 1 mass");
        if (springs.Count != masses.Count + 1)
            throw new ArgumentException($"a chain of {masses.Count} masses needs {masses.Count + 1} spring constants, not {springs.Count}");
        var badMass = masses.ToList().FindIndex(v => !(v > 0));
        if (badMass >= 0) throw new ArgumentException($"mass {badMass} must be positive, not {masses[badMass]}");
        var badSpring = springs.ToList().FindIndex(v => !(v > 0));
        if (badSpring >= 0) throw new ArgumentException($"spring constant {badSpring} must be positive, not {springs[badSpring]}");
        (k, m) = (springs.ToArray(), masses.ToArray());
        (Springs, Masses) = (k, m);
    }

    /// <summary>
    /// The paper code's random chain, drawn once per dataset: k = 5 max(N(0,1)/4 + 1, 0.2), m = max(N(0,1)/4 + 1, 0.2).
    /// </summary>
    public static SpringChain Random(int masses, Generator generator)
    {
        if (masses < 1) throw new ArgumentException($"a spring chain needs at least 1 mass, not {masses}");
        using var normal = randn([2 * masses + 1], dtype: ScalarType.Float64, generator: generator);
        var z = normal.data<double>().ToArray();
        return new SpringChain(
            z.Take(masses + 1).Select(v => 5 * Math.Max(v / 4 + 1, 0.2)).ToArray(),
            z.Skip(masses + 1).Select(v => Math.Max(v / 4 + 1, 0.2)).ToArray());
    }

    public int Dimension => m.Length;

    public int RandomsPerState => 2 * m.Length;

    /// <summary>p0, q0 ~ U(-2.5, 2.5) per mass with the first and last masses at rest at 0 (the paper's code).</summary>
    public double[] InitialState(ReadOnlySpan<double> uniforms)
    {
        var n = m.Length;
        var z = new double[2 * n];
        for (var i = 0; i < 2 * n; i++) z[i] = 5 * uniforms[i] - 2.5;
        foreach (var i in new[] { 0, n - 1, n, 2 * n - 1 }) z[i] = 0;
        return z;
    }

    public double Energy(ReadOnlySpan<double> z)
    {
        var n = m.Length;
        var energy = 0.0;
        for (var i = 0; i < n; i++) energy += z[i] * z[i] / (2 * m[i]);
        for (var j = 0; j <= n; j++)
        {
            var stretch = (j < n ? z[n + j] : 0) - (j > 0 ? z[n + j - 1] : 0);
            energy += k[j] * stretch * stretch / 2;
        }
        return energy;
    }

    /// <summary>Kick-drift-kick leapfrog, exact to O(h^2) with bounded energy error (a symplectic reference).</summary>
    public void Advance(double[] z, double dt, int substeps)
    {
        var n = m.Length;
        var h = dt / substeps;
        var force = new double[n];
        Force(z, force);
        for (var s = 0; s < substeps; s++)
        {
            for (var i = 0; i < n; i++) z[i] += h / 2 * force[i];
            for (var i = 0; i < n; i++) z[n + i] += h * z[i] / m[i];
            Force(z, force);
            for (var i = 0; i < n; i++) z[i] += h / 2 * force[i];
        }
    }

    public bool TryLeapfrogStep(double[] z, double dt)
    {
        Advance(z, dt, 1);
        return true;
    }

    /// <summary>-V'(q).</summary>
    void Force(double[] z, double[] force)
    {
        var n = m.Length;
        for (var i = 0; i < n; i++)
        {
            var left = i > 0 ? z[n + i - 1] : 0;
            var right = i < n - 1 ? z[n + i + 1] : 0;
            force[i] = -k[i] * (z[n + i] - left) - k[i + 1] * (z[n + i] - right);
        }
    }
}
