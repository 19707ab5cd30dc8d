using Pipeline.Algorithms.Srnn;
using Pipeline.Environments.Physics;
using Pipeline.Recipes.Srnn;
using Pipeline.Reports;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Srnn;

/// <summary>The billiard reproduction's learned-potential figures and wall table (<see cref="BilliardPotential"/>).</summary>
static class LearnedPotential
{
    static readonly (string Key, string Label)[] Shown =
    [
        ("recurrent-hnet-leapfrog", "SRNN (recurrent H-NET L-L)"),
        ("recurrent-hnet-rebound", "SRNN + rebound module (patches)"),
        ("recurrent-hnet-rebound-positions", "SRNN + rebound module (positions)"),
        ("recurrent-hnet-rebound-hard", "SRNN + rebound module, hard gate (patches)"),
    ];

    public static void Report(ReproductionContext context, IReadOnlyDictionary<string, (SymplecticRnnConfig Config, byte[] Payload)> checkpoints, HeavyBilliard system)
    {
        var s = BilliardPotential.Positions;
        var across = new List<(string, double[], double[])> { ("truth", s, BilliardPotential.TrueProfile(system.Gravity, vertical: false)) };
        var upward = new List<(string, double[], double[])> { ("truth", s, BilliardPotential.TrueProfile(system.Gravity, vertical: true)) };
        var rows = new List<IReadOnlyList<object>>();
        foreach (var (key, label) in Shown.Where(m => checkpoints.ContainsKey(m.Key)))
        {
            var (config, payload) = checkpoints[key];
            using var state = SymplecticRnn.Load(config, payload, CPU);
            across.Add((label, s, BilliardPotential.Profile(state.Model, vertical: false)));
            upward.Add((label, s, BilliardPotential.Profile(state.Model, vertical: true)));
            var wall = BilliardPotential.Measure(state.Model, system.Gravity);
            rows.Add([label, wall.Left, wall.Right, wall.Floor, wall.Ceiling, wall.Middle]);
        }
        if (rows.Count == 0) return;
        context.Report.Table(new ReportTable("potential",
            $"Learned potential minus the true one, relative to the box's centre, {BilliardPotential.WallInset} inside each wall",
            ["model", "left wall", "right wall", "floor", "ceiling", "largest |difference| over the middle (0.2-0.8)"], rows));
        var acrossPath = context.PathOf("potential-across.png");
        GanPlots.Curves(acrossPath, "billiard: learned V(q) - V(centre) along q_y = 1/2", "q_x", "V", logY: false, across);
        context.Report.Figure(acrossPath, "The learned potential along the horizontal midline (the truth is flat): a rise at either end is a wall learned as a force.");
        var upwardPath = context.PathOf("potential-upward.png");
        GanPlots.Curves(upwardPath, "billiard: learned V(q) - V(centre) along q_x = 1/2", "q_y", "V", logY: false, upward);
        context.Report.Figure(upwardPath, $"The learned potential along the vertical midline against gravity's g q_y (g = {system.Gravity}).");
    }
}
