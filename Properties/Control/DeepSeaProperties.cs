using Pipeline.Environments.Control;
using Xunit;

namespace Pipeline.Properties.Control;

/// <summary>Deep Sea as bsuite defines it (deterministic, with the random action mapping).</summary>
public class DeepSeaProperties
{
    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(20)]
    public void Going_right_every_step_earns_bsuites_optimal_return_in_N_steps(int n)
    {
        var config = new DeepSeaConfig { Size = n };
        var environment = new DeepSea(config, 1);
        var batch = new Batch(environment, 0);
        for (var t = 0; t < n; t++)
        {
            Assert.Equal(1f, batch.Observations[t * n + t]); // on the diagonal
            batch.Step(environment.RightAction(t, t));
            Assert.Equal(t == n - 1, batch.Terminated[0]);
            Assert.Equal((float)((t == n - 1 ? 1 : 0) - 0.01 / n), batch.Rewards[0]);
        }
        var summary = Assert.Single(batch.Finished);
        Assert.Equal(n, summary.Length);
        Assert.True(summary.Solved);
        // One reward of 1 and N right moves costing 0.01 / N each: bsuite's optimal return 1 - 0.01 = 0.99.
        Assert.Equal(0.99, summary.Return, 12);
        Assert.Equal(config.OptimalReturn, summary.Return, 12);
        Assert.Equal(1f, batch.Observations[0]); // the next episode starts top-left
    }

    /// <summary>All 2^8 action sequences at once, one per copy: exactly the all-"right" one is rewarded.</summary>
    [Fact]
    public void Only_the_all_right_sequence_of_256_is_rewarded()
    {
        const int n = 8;
        var environment = new DeepSea(new DeepSeaConfig { Size = n }, 1 << n);
        var batch = new Batch(environment, 0);
        for (var t = 0; t < n; t++)
            batch.Step(Enumerable.Range(0, 1 << n).Select(k => (k >> t) & 1).ToArray());
        Assert.All(batch.Terminated, Assert.True);
        Assert.Equal(1 << n, batch.Finished.Count);
        Assert.All(batch.Finished, s => Assert.Equal(n, s.Length));
        var solved = Assert.Single(batch.Finished, s => s.Solved);
        Assert.Equal(Enumerable.Range(0, n).Sum(t => environment.RightAction(t, t) << t), solved.Copy);
        Assert.All(batch.Finished.Where(s => !s.Solved), s => Assert.InRange(s.Return, -0.01 - 1e-12, 0));
        Assert.All(batch.Finished, s => Assert.Equal(2.0 / (n + 1), s.VisitedFraction, 12));
    }

    [Fact]
    public void The_action_mapping_is_random_per_cell_and_fixed_by_the_mapping_seed()
    {
        static int[] Mapping(int seed) { var e = new DeepSea(new DeepSeaConfig { MappingSeed = seed }, 1); return [.. from r in Enumerable.Range(0, 10) from c in Enumerable.Range(0, 10) select e.RightAction(r, c)]; }
        var mapping = Mapping(42);
        Assert.InRange(mapping.Sum(), 30, 70); // about half the cells map "right" to action 1
        Assert.Equal(mapping, Mapping(42));
        Assert.NotEqual(mapping, Mapping(43));
    }
}
