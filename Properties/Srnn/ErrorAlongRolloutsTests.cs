using Pipeline.Reproductions;
using Pipeline.Reproductions.Srnn;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

/// <summary>The error-along-rollouts figure and table: per-step L2 position errors, and their means over the first states.</summary>
public class ErrorAlongRolloutsTests
{
    [Fact]
    public void Per_step_errors_are_the_mean_over_trajectories_of_the_position_distance_and_ignore_momenta()
    {
        // T = 3 states, B = 2 trajectories, z = [p (2), q (2)].
        using var truth = zeros(3, 2, 4, dtype: ScalarType.Float64);
        using var predicted = zeros(3, 2, 4, dtype: ScalarType.Float64);
        predicted[1, 0, 2] = tensor(3.0);
        predicted[1, 0, 3] = tensor(4.0); // distance 5 for trajectory 0 at step 1
        predicted[2, 1, 3] = tensor(-2.0); // distance 2 for trajectory 1 at step 2
        predicted[0, 0, 0] = tensor(100.0); // a momentum: not a position error

        var errors = ErrorAlongRollouts.PerStep(predicted, truth, dimension: 2);

        Assert.Equal([0.0, 2.5, 1.0], errors);
    }

    [Fact]
    public void The_table_averages_each_rows_errors_over_the_first_states_at_the_training_window_half_and_whole_horizon()
    {
        var folder = Directory.CreateTempSubdirectory("error-along-").FullName;
        var context = new ReproductionContext(folder, quick: true, seed: 0, _ => { }, new ReproductionReport("test"));
        double[] linear = [.. Enumerable.Range(0, 12).Select(i => (double)i)];

        ErrorAlongRollouts.Report(context, "test", [("linear", linear)], trainingStates: 4);

        var table = Assert.Single(context.Report.Tables);
        Assert.Equal(["row", "first 4 states", "first 6 states", "first 12 states"], table.Columns);
        Assert.Equal(["linear", 1.5, 2.5, 5.5], Assert.Single(table.Rows));
        Assert.True(new FileInfo(Path.Combine(folder, "error-along-rollouts.png")).Length > 1000);
    }
}
