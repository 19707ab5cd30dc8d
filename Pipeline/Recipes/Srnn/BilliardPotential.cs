using Pipeline.Algorithms.Srnn;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Recipes.Srnn;

/// <summary>How far the learned potential departs from the true one at the walls and in the middle of the box.</summary>
/// <param name="Left">learned minus true V, relative to the box's centre, <see cref="BilliardPotential.WallInset"/> inside the left wall.</param>
/// <param name="Middle">the largest |learned - true| over the middle of the box (0.2-0.8 along both midlines).</param>
public sealed record WallPotential(double Left, double Right, double Floor, double Ceiling, double Middle)
{
    /// <summary>The mean over the four walls: how strongly the walls are learned as forces.</summary>
    public double Walls => (Left + Right + Floor + Ceiling) / 4;
}

/// <summary>
/// The heavy billiard's learned potential V(q) along the unit box's two midlines, against the true g q_y. A plain H-NET
/// can only turn a ball back at a wall through V, so a steep rise of V near the walls shows it learned them as soft
/// forces; the rebound module is meant to make that unnecessary (docs/SRNN.md, "Heavy billiard").
/// </summary>
public static class BilliardPotential
{
    /// <summary>Where the wall figures are read: this far inside the unit box.</summary>
    public const double WallInset = 0.02;

    /// <summary>The positions along a midline: s over [0, 1] in steps of 0.01.</summary>
    public static double[] Positions { get; } = Enumerable.Range(0, 101).Select(i => i / 100.0).ToArray();

    /// <summary>Whether <paramref name="model"/> has a potential to read (a plain or a rebound H-NET).</summary>
    public static bool Has(nn.Module model) => model is HamiltonianNetwork or ReboundHamiltonianNetwork;

    /// <summary>V(s, 1/2) (horizontal) or V(1/2, s) (vertical) at <see cref="Positions"/>, relative to the centre.</summary>
    public static double[] Profile(nn.Module model, bool vertical)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var first = model.parameters().First();
        var s = Positions;
        var points = s.Append(0.5).SelectMany(v => vertical ? new[] { 0.5, v } : [v, 0.5]).ToArray();
        var q = tensor(points, [s.Length + 1, 2], dtype: ScalarType.Float64).to(first.dtype, first.device);
        var potential = model switch
        {
            HamiltonianNetwork h => h.Potential(q),
            ReboundHamiltonianNetwork r => r.Potential(q),
            _ => throw new ArgumentException($"{model.GetType().Name} has no potential"),
        };
        var values = potential.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        return values[..^1].Select(v => v - values[^1]).ToArray();
    }

    /// <summary>The true profile relative to the centre: flat across, g (s - 1/2) upward.</summary>
    public static double[] TrueProfile(double gravity, bool vertical) =>
        Positions.Select(s => vertical ? gravity * (s - 0.5) : 0.0).ToArray();

    public static WallPotential Measure(nn.Module model, double gravity)
    {
        var (across, upward) = (Profile(model, vertical: false), Profile(model, vertical: true));
        var (flat, gravityLine) = (TrueProfile(gravity, false), TrueProfile(gravity, true));
        int Index(double at) => (int)Math.Round(at * 100);
        double Excess(double[] learned, double[] truth, double at) => learned[Index(at)] - truth[Index(at)];
        var middle = Enumerable.Range(Index(0.2), Index(0.8) - Index(0.2) + 1)
            .Max(i => Math.Max(Math.Abs(across[i] - flat[i]), Math.Abs(upward[i] - gravityLine[i])));
        return new WallPotential(Excess(across, flat, WallInset), Excess(across, flat, 1 - WallInset),
            Excess(upward, gravityLine, WallInset), Excess(upward, gravityLine, 1 - WallInset), middle);
    }
}
