using Pipeline.Reproductions;
using Pipeline.Reproductions.Srnn;
using Xunit;

namespace Pipeline.Properties.Srnn;

/// <summary>
/// `reproduce --jobs N` trains the SRNN tables' sub-runs N at a time. Each sub-run is deterministic on its own, so the
/// tables must not depend on N; the SRNNs train first and the recurrent baselines, the slow part at the paper's width, last.
/// </summary>
public class SrnnTablesJobsTests
{
    const long Steps = 12;

    // A chain small enough for seconds: both tables (the full variant), every baseline and the 50-state rows.
    static SrnnTables TinyChain()
    {
        var sizes = new SrnnTables.Sizes(Steps, ["trajectories=40", "substeps=5", "test-trajectories=4", "rollout-states=12", "hidden=8", "batch-size=8"]);
        return new SrnnTables("srnn-chain-tiny", "srnn-chain", "test", "test", sizes, sizes, SrnnPaperNumbers.ChainTable1, SrnnPaperNumbers.ChainTable2,
            baselines: true, "", coverage: true);
    }

    static (IReadOnlyList<ReportTable> Tables, List<string> Started) Reproduce(int jobs)
    {
        var started = new List<string>();
        var folder = Directory.CreateTempSubdirectory("srnn-jobs-").FullName;
        var context = new ReproductionContext(folder, quick: false, seed: 3, line =>
        {
            // The context logs "<sub-run>: <recipe> seed ..." when a sub-run starts.
            if (line.Contains(": srnn-chain seed", StringComparison.Ordinal)) lock (started) started.Add(line[..line.IndexOf(':')]);
        }, new ReproductionReport("test"), jobs: jobs);
        TinyChain().Run(context, CancellationToken.None).GetAwaiter().GetResult();
        return (context.Report.Tables, started);
    }

    // The training seconds differ from run to run; every other cell must not.
    static IEnumerable<string> Cells(IEnumerable<ReportTable> tables) =>
        tables.SelectMany(t => t.Rows.Select(r => $"{t.Name}: " + string.Join(" | ",
            r.Where((_, i) => t.Columns[i] != "training seconds").Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture)))));

    [Fact]
    public void Two_jobs_give_the_tables_one_job_gives_the_srnns_train_first_and_the_baselines_last()
    {
        var (one, startedOne) = Reproduce(1);
        var (two, startedTwo) = Reproduce(2);

        Assert.Contains(one, t => t.Name == "table2");
        Assert.Equal(Cells(one), Cells(two));
        Assert.Equal(startedOne.Order(), startedTwo.Order());

        // Table 1: 8 networks, the 50-state SRNN, 5 baselines; Table 2: 4 networks, 2 baselines.
        Assert.Equal(20, startedOne.Count);
        string[] baselines = ["lstm-states50", "rnn", "lstm", "rnn-paper-code", "lstm-paper-code"];
        var firstBaseline = startedOne.FindIndex(s => baselines.Contains(s.Split('/')[1]));
        Assert.Equal(13, firstBaseline);
        Assert.All(startedOne.Skip(firstBaseline), s => Assert.Contains(s.Split('/')[1], baselines));
        Assert.Equal(["table1/recurrent-hnet-leapfrog", "table1/recurrent-hnet-leapfrog-states50", "table2/recurrent-hnet-leapfrog"], startedOne.Take(3));
    }
}
