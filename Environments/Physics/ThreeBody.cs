namespace Pipeline.Environments.Physics;

/// <summary>
/// The SRNN paper's three-body problem (section 5, App. A.2; the HNN code's sampler, seq.md 2.3): three unit masses in
/// the plane, G = 1, H = sum |p_i|^2 / 2 - sum_{i&lt;j} 1 / r_ij. z = [p, q] with p = (px1, py1, px2, py2, px3, py3).
/// Initial states are perturbed circular orbits; reference integrator classical RK4 at a fine step, refined near close
/// encounters (more accurate than the paper's RK45 at rtol 1e-4).
/// </summary>
public sealed class ThreeBody : IReferenceSystem
{
    /// <summary>Velocity perturbation nu ("slightly chaotic": 0.2).</summary>
    public double Perturbation { get; }

    /// <summary>True: one draw of the six velocity factors per dataset, as the SRNN code's vectorised random_config
    /// (np.random.rand(2) broadcast over all n orbits per body); false: a draw per trajectory, as the HNN code and the
    /// paper's text.</summary>
    public bool SharedVelocityFactors { get; }

    public ThreeBody(double perturbation = 0.2, bool sharedVelocityFactors = false)
    {
        if (!(perturbation >= 0)) throw new ArgumentException($"the velocity perturbation must be non-negative, not {perturbation}");
        (Perturbation, SharedVelocityFactors) = (perturbation, sharedVelocityFactors);
    }

    public IReadOnlyList<int> SharedRandoms => SharedVelocityFactors ? [2, 3, 4, 5, 6, 7] : [];

    public int Dimension => 6;

    public int RandomsPerState => 8;

    /// <summary>
    /// q1 in a random direction at radius U[0.9, 1.2], q2 and q3 rotated by 120 and 240 degrees; circular-orbit
    /// velocities rot90(q)/r^1.5 sqrt(sin(pi/3) / (2 cos^2(pi/6))), each component scaled by 1 + nu U(-1, 1).
    /// </summary>
    public double[] InitialState(ReadOnlySpan<double> u)
    {
        var angle = 2 * Math.PI * u[0];
        var r = 0.9 + 0.3 * u[1];
        var speed = Math.Sqrt(Math.Sin(Math.PI / 3) / (2 * Math.Pow(Math.Cos(Math.PI / 6), 2))) / Math.Pow(r, 1.5);
        var z = new double[12];
        for (var body = 0; body < 3; body++)
        {
            var a = angle + body * 2 * Math.PI / 3;
            var (x, y) = (r * Math.Cos(a), r * Math.Sin(a));
            z[6 + 2 * body] = x;
            z[6 + 2 * body + 1] = y;
            z[2 * body] = -y * speed * (1 + Perturbation * (2 * u[2 + 2 * body] - 1));
            z[2 * body + 1] = x * speed * (1 + Perturbation * (2 * u[3 + 2 * body] - 1));
        }
        return z;
    }

    public double Energy(ReadOnlySpan<double> z)
    {
        var energy = 0.0;
        for (var i = 0; i < 6; i++) energy += z[i] * z[i] / 2;
        for (var i = 0; i < 3; i++)
            for (var j = i + 1; j < 3; j++)
                energy -= 1 / Math.Sqrt(Square(z[6 + 2 * i] - z[6 + 2 * j]) + Square(z[7 + 2 * i] - z[7 + 2 * j]));
        return energy;
    }

    static double Square(double x) => x * x;

    /// <summary>
    /// RK4 steps of dt / substeps, each split further near close encounters (into (0.5 / r_min)^1.5 pieces, the orbital
    /// time scale at r_min), so the energy error stays small when two bodies pass close.
    /// </summary>
    public void Advance(double[] z, double dt, int substeps)
    {
        var h = dt / substeps;
        var scratch = (new double[12], new double[12], new double[12], new double[12], new double[12]);
        for (var s = 0; s < substeps; s++)
        {
            var pieces = (int)Math.Clamp(Math.Ceiling(Math.Pow(0.5 / ClosestDistance(z), 1.5)), 1, 100_000);
            for (var k = 0; k < pieces; k++) Rk4(z, h / pieces, scratch);
        }
    }

    static double ClosestDistance(double[] z)
    {
        var closest = double.PositiveInfinity;
        for (var i = 0; i < 3; i++)
            for (var j = i + 1; j < 3; j++)
                closest = Math.Min(closest, Math.Sqrt(Square(z[6 + 2 * i] - z[6 + 2 * j]) + Square(z[7 + 2 * i] - z[7 + 2 * j])));
        return closest;
    }

    static void Rk4(double[] z, double h, (double[] K1, double[] K2, double[] K3, double[] K4, double[] Tmp) s)
    {
        var (k1, k2, k3, k4, tmp) = s;
        Derivative(z, k1);
        for (var i = 0; i < 12; i++) tmp[i] = z[i] + h / 2 * k1[i];
        Derivative(tmp, k2);
        for (var i = 0; i < 12; i++) tmp[i] = z[i] + h / 2 * k2[i];
        Derivative(tmp, k3);
        for (var i = 0; i < 12; i++) tmp[i] = z[i] + h * k3[i];
        Derivative(tmp, k4);
        for (var i = 0; i < 12; i++) z[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }

    public bool TryLeapfrogStep(double[] z, double dt)
    {
        var dz = new double[12];
        Derivative(z, dz);
        for (var i = 0; i < 6; i++) z[i] += dt / 2 * dz[i];
        for (var i = 0; i < 6; i++) z[6 + i] += dt * z[i];
        Derivative(z, dz);
        for (var i = 0; i < 6; i++) z[i] += dt / 2 * dz[i];
        return true;
    }

    /// <summary>dz/dt = [-V'(q), p] with unit masses.</summary>
    static void Derivative(double[] z, double[] dz)
    {
        for (var i = 0; i < 6; i++) { dz[6 + i] = z[i]; dz[i] = 0; }
        for (var i = 0; i < 3; i++)
            for (var j = i + 1; j < 3; j++)
            {
                var dx = z[6 + 2 * j] - z[6 + 2 * i];
                var dy = z[7 + 2 * j] - z[7 + 2 * i];
                var r3 = Math.Pow(dx * dx + dy * dy, 1.5);
                dz[2 * i] += dx / r3;
                dz[2 * i + 1] += dy / r3;
                dz[2 * j] -= dx / r3;
                dz[2 * j + 1] -= dy / r3;
            }
    }
}
