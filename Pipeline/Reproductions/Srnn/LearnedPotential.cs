using Pipeline.Algorithms.Srnn;
using Pipeline.Environments.Physics;
using Pipeline.Reports;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Srnn;

/// <summary>
/// The billiard's learned potential V(q) along the box's two midlines, against the true g q_y. A plain H-NET can only
/// turn a ball back at a wall through V, so a steep rise of V near the walls shows it learned them as soft forces;
/// the rebound module is meant to make that unnecessary (docs/SRNN.md, "Heavy billiard").
/// </summary>
static class LearnedPotential
{
    /// <summary>Where the wall excess is read: this far inside the unit box.</summary>
    const double WallInset = 0.02;

    static readonly (string Key, string Label)[] Shown =
    [
        ("recurrent-hnet-leapfrog", "SRNN (recurrent H-NET L-L)"),
        ("recurrent-hnet-rebound", "SRNN + rebound module (patches)"),
        ("recurrent-hnet-rebound-positions", "SRNN + rebound module (positions)"),
    ];

    /// <summary>
    /// Profiles: q = (s, 1/2) (truth flat) and q = (1/2, s) (truth g (s - 1/2)), s over [0, 1], each relative to the
    /// box's centre. The table gives the learned minus the true profile a short way inside each wall, and its largest
    /// size over the middle of the box.
    /// </summary>
    public static void Report(ReproductionContext context, IReadOnlyDictionary<string, (SymplecticRnnConfig Config, byte[] Payload)> checkpoints, HeavyBilliard system)
    {
        var s = Enumerable.Range(0, 101).Select(i => i / 100.0).ToArray();
        var across = new List<(string, double[], double[])> { ("truth", s, s.Select(_ => 0.0).ToArray()) };
        var upward = new List<(string, double[], double[])> { ("truth", s, s.Select(v => system.Gravity * (v - 0.5)).ToArray()) };
        var rows = new List<IReadOnlyList<object>>();
        foreach (var (key, label) in Shown.Where(m => checkpoints.ContainsKey(m.Key)))
        {
            var (config, payload) = checkpoints[key];
            using var state = SymplecticRnn.Load(config, payload, CPU);
            var horizontal = Profile(state.Model, s, vertical: false);
            var vertical = Profile(state.Model, s, vertical: true);
            across.Add((label, s, horizontal));
            upward.Add((label, s, vertical));
            double Excess(double[] profile, double at, bool up) =>
                At(profile, s, at) - (up ? system.Gravity * (at - 0.5) : 0);
            var middle = s.Select((v, i) => (v, i)).Where(x => x.v is >= 0.2 and <= 0.8)
                .Max(x => Math.Max(Math.Abs(horizontal[x.i]), Math.Abs(vertical[x.i] - system.Gravity * (x.v - 0.5))));
            rows.Add([label, Excess(horizontal, WallInset, false), Excess(horizontal, 1 - WallInset, false),
                Excess(vertical, WallInset, true), Excess(vertical, 1 - WallInset, true), middle]);
        }
        if (rows.Count == 0) return;
        context.Report.Table(new ReportTable("potential", $"Learned potential minus the true one, relative to the box's centre, {WallInset} inside each wall",
            ["model", "left wall", "right wall", "floor", "ceiling", "largest |difference| over the middle (0.2-0.8)"], rows));
        var acrossPath = context.PathOf("potential-across.png");
        GanPlots.Curves(acrossPath, "billiard: learned V(q) - V(centre) along q_y = 1/2", "q_x", "V", logY: false, across);
        context.Report.Figure(acrossPath, "The learned potential along the horizontal midline (the truth is flat): a rise at either end is a wall learned as a force.");
        var upwardPath = context.PathOf("potential-upward.png");
        GanPlots.Curves(upwardPath, "billiard: learned V(q) - V(centre) along q_x = 1/2", "q_y", "V", logY: false, upward);
        context.Report.Figure(upwardPath, $"The learned potential along the vertical midline against gravity's g q_y (g = {system.Gravity}).");
    }

    /// <summary>V along a midline relative to the centre, from a plain or a rebound H-NET.</summary>
    static double[] Profile(nn.Module model, double[] s, bool vertical)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var dtype = model.parameters().First().dtype;
        var points = s.Append(0.5).SelectMany(v => vertical ? new[] { 0.5, v } : [v, 0.5]).ToArray();
        var q = tensor(points, [s.Length + 1, 2], dtype: ScalarType.Float64).to_type(dtype);
        var potential = model switch
        {
            HamiltonianNetwork h => h.Potential(q),
            ReboundHamiltonianNetwork r => r.Potential(q),
            _ => throw new ArgumentException($"{model.GetType().Name} has no potential")
        };
        var values = potential.to_type(ScalarType.Float64).data<double>().ToArray();
        var centre = values[^1];
        return values[..^1].Select(v => v - centre).ToArray();
    }

    static double At(double[] profile, double[] s, double at) => profile[Array.FindIndex(s, v => Math.Abs(v - at) < 1e-9)];
}
