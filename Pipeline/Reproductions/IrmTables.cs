using System.Globalization;

namespace Pipeline.Reproductions;

/// <summary>The tables of the Colored MNIST reproduction, with the paper's numbers beside ours (irm_ngu.md 1.7).</summary>
public static class IrmTables
{
    /// <summary>How far our mean is from the paper's, in units of the paper's standard deviation over restarts.</summary>
    public static double Deviations(double ours, double paper, double paperStd) => Math.Abs(ours - paper) / paperStd;

    /// <summary>"within 1 std" when our mean lies within the paper's mean ± its reported std, "within 2 std", or "outside".</summary>
    public static string Verdict(double ours, double paper, double paperStd) =>
        double.IsNaN(ours) ? "not run"
        : Deviations(ours, paper, paperStd) <= 1 ? "within 1 std"
        : Deviations(ours, paper, paperStd) <= 2 ? "within 2 std"
        : "outside";

    public static ReportTable Table1(IReadOnlyDictionary<string, IReadOnlyList<IrmRestart>> byMethod)
    {
        var rows = new List<IReadOnlyList<object>>();
        foreach (var paper in IrmPaperNumbers.Trained)
        {
            var restarts = byMethod.TryGetValue(paper.Method, out var r) ? r : [];
            var train = MeanStd.Of(restarts.Select(x => x.TrainAcc).ToList());
            var test = MeanStd.Of(restarts.Select(x => x.TestAcc).ToList());
            rows.Add([paper.Label, train.Mean, train.Std, test.Mean, test.Std, paper.Train, paper.TrainStd, paper.Test, paper.TestStd,
                train.Count, Verdict(train.Mean, paper.Train, paper.TrainStd), Verdict(test.Mean, paper.Test, paper.TestStd)]);
        }
        foreach (var (label, train, test) in IrmPaperNumbers.Hypothetical)
            rows.Add([label, "", "", "", "", train, "", test, "", "", "", ""]);
        return new ReportTable("table1", "Colored MNIST accuracy (%), mean and population std over restarts, beside the paper's Table 1",
            ["method", "train acc", "train std", "test acc", "test std", "paper train", "paper train std", "paper test", "paper test std",
             "restarts", "train vs paper", "test vs paper"], rows);
    }

    public static ReportTable Restarts(IReadOnlyDictionary<string, IReadOnlyList<IrmRestart>> byMethod, string root) =>
        new("restarts", "Every restart: final train and test accuracy (%) and its run directory",
            ["method", "restart", "seed", "train acc", "test acc", "run"],
            byMethod.SelectMany(m => m.Value.OrderBy(r => r.Restart)).Select(r => (IReadOnlyList<object>)
                [r.Method, r.Restart, r.Seed, r.TrainAcc, r.TestAcc, Path.GetRelativePath(root, r.Directory)]).ToList());

    /// <summary>Our mean trajectory at the steps the reference printed, beside its printout.</summary>
    public static ReportTable Trajectory(IReadOnlyDictionary<string, IReadOnlyList<IrmRestart>> byMethod)
    {
        var rows = new List<IReadOnlyList<object>>();
        foreach (var (method, step, nll, trainAcc, penalty, testAcc) in IrmPaperNumbers.Trajectory)
        {
            if (!byMethod.TryGetValue(method, out var restarts) || restarts.Count == 0) continue;
            double At(string phase, string metric) =>
                IrmCurves.Mean(restarts, phase, metric).Where(p => p.Step == step + 1).Select(p => p.Mean).DefaultIfEmpty(double.NaN).First();
            rows.Add([method, step, At("train", "nll"), nll, At("train", "acc"), trainAcc, At("train", "penalty"), penalty, At("test", "acc"), testAcc]);
        }
        return new ReportTable("trajectory", "Mean over restarts at the reference's printed steps (step = updates done), ours beside the reference output",
            ["method", "step", "train nll", "paper nll", "train acc", "paper train acc", "train penalty", "paper penalty", "test acc", "paper test acc"], rows);
    }

    /// <summary>The honest summary: each method against the paper's spread, and the IRM floor.</summary>
    public static string Verdicts(IReadOnlyDictionary<string, IReadOnlyList<IrmRestart>> byMethod)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        foreach (var paper in IrmPaperNumbers.Trained)
        {
            if (!byMethod.TryGetValue(paper.Method, out var restarts) || restarts.Count == 0)
            {
                lines.Add($"- {paper.Label}: not run.");
                continue;
            }
            var train = MeanStd.Of(restarts.Select(x => x.TrainAcc).ToList());
            var test = MeanStd.Of(restarts.Select(x => x.TestAcc).ToList());
            lines.Add(string.Create(inv,
                $"- {paper.Label}: train {train.Mean:F1} ± {train.Std:F1} against {paper.Train:F1} ± {paper.TrainStd:F1} ({Deviations(train.Mean, paper.Train, paper.TrainStd):F1} paper std away, {Verdict(train.Mean, paper.Train, paper.TrainStd)}); " +
                $"test {test.Mean:F1} ± {test.Std:F1} against {paper.Test:F1} ± {paper.TestStd:F1} ({Deviations(test.Mean, paper.Test, paper.TestStd):F1} paper std away, {Verdict(test.Mean, paper.Test, paper.TestStd)})."));
        }
        if (byMethod.TryGetValue(IrmPaperNumbers.Irm.Method, out var irm) && irm.Count > 0)
        {
            var test = irm.Average(r => r.TestAcc);
            lines.Add(test >= IrmPaperNumbers.IrmTestFloor
                ? string.Create(inv, $"- IRM's mean test accuracy {test:F1}% meets the floor of {IrmPaperNumbers.IrmTestFloor:F0}%.")
                : string.Create(inv, $"- **IRM's mean test accuracy {test:F1}% is below the floor of {IrmPaperNumbers.IrmTestFloor:F0}%: the reproduction does not match the paper.**"));
        }
        return string.Join("\n", lines);
    }
}
