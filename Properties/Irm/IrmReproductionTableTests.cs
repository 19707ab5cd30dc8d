using Pipeline.Reproductions;
using Pipeline.Runs;
using Xunit;

namespace Pipeline.Properties.Irm;

/// <summary>The Colored MNIST report: means and population stds over restarts, verdicts against the paper's spread, mean curves.</summary>
public class IrmReproductionTableTests
{
    static IrmRestart Restart(string method, int r, double train, double test, params (long Step, string Phase, double Acc)[] points) =>
        new(method, r, r, $"/runs/{method}/{r}", train, test, points.Select(p => new MetricPoint(p.Step, p.Phase, "acc", p.Acc)).ToList());

    static readonly IReadOnlyDictionary<string, IReadOnlyList<IrmRestart>> ByMethod = new Dictionary<string, IReadOnlyList<IrmRestart>>
    {
        ["irm"] = [Restart("irm", 0, 70, 66, (1, "train", 0.5), (1, "test", 0.4), (2, "train", 0.7)), Restart("irm", 1, 72, 68, (1, "train", 0.6), (2, "train", 0.8))],
        ["erm"] = [Restart("erm", 0, 90, 10)],
        ["grayscale"] = [],
    };

    [Fact]
    public void Table1_holds_the_mean_and_population_std_beside_the_paper_with_a_verdict()
    {
        var table = IrmTables.Table1(ByMethod);
        var irm = table.Rows.Single(r => (string)r[0] == "IRM");
        Assert.Equal([71.0, 1.0, 67.0, 1.0], irm.Skip(1).Take(4).Cast<double>());
        Assert.Equal(70.811, irm[5]);
        Assert.Equal(2, irm[9]);
        Assert.Equal("within 1 std", irm[10]);
        Assert.Equal("within 1 std", irm[11]);
        var erm = table.Rows.Single(r => (string)r[0] == "ERM");
        Assert.Equal("outside", erm[10]);
        Assert.Equal("not run", table.Rows.Single(r => ((string)r[0]).StartsWith("ERM, grayscale", StringComparison.Ordinal))[10]);
        Assert.Contains(table.Rows, r => (string)r[0] == "Optimal invariant model (hypothetical)");
    }

    [Fact]
    public void The_verdicts_say_plainly_when_IRM_misses_the_floor()
    {
        Assert.Contains("meets the floor of 65%", IrmTables.Verdicts(ByMethod));
        var low = new Dictionary<string, IReadOnlyList<IrmRestart>> { ["irm"] = [Restart("irm", 0, 80, 40)] };
        Assert.Contains("below the floor of 65%: the reproduction does not match the paper", IrmTables.Verdicts(low));
    }

    [Fact]
    public void Curves_average_the_restarts_at_the_steps_all_of_them_logged()
    {
        Assert.Equal([(1L, 0.55), (2L, 0.75)], IrmCurves.Mean(ByMethod["irm"], "train", "acc").Select(p => (p.Step, Math.Round(p.Mean, 12))));
        Assert.Empty(IrmCurves.Mean(ByMethod["irm"], "test", "acc"));
        Assert.Equal(new MeanStd(2, 1, 2), MeanStd.Of([1.0, 3.0]));
    }
}
