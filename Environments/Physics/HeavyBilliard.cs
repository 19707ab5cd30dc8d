namespace Pipeline.Environments.Physics;

/// <summary>
/// The SRNN paper's heavy billiard (section 6, App. A.3; seq.md 2.3): a unit point mass under downward gravity in
/// the unit square (the paper's 104 x 104 px free interior) with perfectly elastic walls, H = |p|^2 / 2 + g y.
/// The reference solution is exact: parabolic flight between collisions, each collision at its exact time with the
/// momentum reflected as p - 2 (p.n) n.
/// </summary>
public sealed class HeavyBilliard : IReferenceSystem
{
    public double Gravity { get; }

    public HeavyBilliard(double gravity = 1)
    {
        if (!(gravity >= 0)) throw new ArgumentException($"gravity must be non-negative, not {gravity}");
        Gravity = gravity;
    }

    public int Dimension => 2;

    public int RandomsPerState => 4;

    /// <summary>q ~ U(0.1, 0.9)^2, p ~ U(-1, 1)^2.</summary>
    public double[] InitialState(ReadOnlySpan<double> u) => [2 * u[0] - 1, 2 * u[1] - 1, 0.1 + 0.8 * u[2], 0.1 + 0.8 * u[3]];

    public double Energy(ReadOnlySpan<double> z) => (z[0] * z[0] + z[1] * z[1]) / 2 + Gravity * z[3];

    /// <summary>The momentum after an elastic rebound on a wall with unit normal n: p - 2 (p.n) n (paper eq. 8).</summary>
    public static (double Px, double Py) Reflect(double px, double py, double nx, double ny)
    {
        var dot = px * nx + py * ny;
        return (px - 2 * dot * nx, py - 2 * dot * ny);
    }

    /// <summary>Exact flight over <paramref name="dt"/> with every wall collision on the way (the substeps are not needed).</summary>
    public void Advance(double[] z, double dt, int substeps)
    {
        var remaining = dt;
        // Each collision consumes a positive time or flips the momentum away from the wall, so this ends; the cap guards corners.
        for (var bounce = 0; bounce < 1000 && remaining > 0; bounce++)
        {
            var (t, nx, ny) = NextCollision(z);
            if (t >= remaining)
            {
                Fly(z, remaining);
                return;
            }
            Fly(z, t);
            (z[0], z[1]) = Reflect(z[0], z[1], nx, ny);
            remaining -= t;
        }
    }

    public bool TryLeapfrogStep(double[] z, double dt) => false;

    void Fly(double[] z, double t)
    {
        z[2] += z[0] * t;
        z[3] += z[1] * t - Gravity * t * t / 2;
        z[1] -= Gravity * t;
        z[2] = Math.Clamp(z[2], 0, 1);
        z[3] = Math.Clamp(z[3], 0, 1);
    }

    /// <summary>The time until the next wall is hit while moving towards it, and that wall's unit normal.</summary>
    (double T, double Nx, double Ny) NextCollision(double[] z)
    {
        var (px, py, x, y) = (z[0], z[1], z[2], z[3]);
        var best = (T: double.PositiveInfinity, Nx: 0.0, Ny: 0.0);
        if (px > 0) best = Min(best, ((1 - x) / px, 1, 0));
        if (px < 0) best = Min(best, (-x / px, 1, 0));
        // Floor, y = 0: y + py t - g t^2 / 2 = 0, the positive root (or linear flight without gravity).
        var floor = Gravity > 0 ? (py + Math.Sqrt(py * py + 2 * Gravity * y)) / Gravity : py < 0 ? -y / py : double.PositiveInfinity;
        if (floor > 0 && (py < 0 || Gravity > 0)) best = Min(best, (floor, 0, 1));
        // Ceiling, y = 1: reached only when rising fast enough, at the first root.
        if (py > 0)
        {
            var disc = py * py - 2 * Gravity * (1 - y);
            if (disc >= 0) best = Min(best, (Gravity > 0 ? (py - Math.Sqrt(disc)) / Gravity : (1 - y) / py, 0, 1));
        }
        return best;
    }

    static (double T, double Nx, double Ny) Min((double T, double Nx, double Ny) a, (double T, double Nx, double Ny) b) => b.T < a.T ? b : a;
}
