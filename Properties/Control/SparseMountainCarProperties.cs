using Pipeline.Environments.Control;
using Xunit;

namespace Pipeline.Properties.Control;

/// <summary>Mountain Car with gym's dynamics and a sparse goal reward.</summary>
public class SparseMountainCarProperties
{
    const int Copies = 32;

    static List<EpisodeSummary> FirstEpisodes(Func<float[], int> policy, ulong seed)
    {
        var environment = new SparseMountainCar(new SparseMountainCarConfig(), Copies);
        var batch = new Batch(environment, seed);
        var done = new bool[Copies];
        var actions = new int[Copies];
        while (done.Contains(false))
        {
            for (var i = 0; i < Copies; i++) actions[i] = policy(batch.Observation(i));
            batch.Step(actions);
            for (var i = 0; i < Copies; i++) done[i] |= batch.Terminated[i] || batch.Truncated[i];
        }
        return batch.Finished.GroupBy(s => s.Copy).Select(g => g.First()).ToList();
    }

    [Fact]
    public void Pumping_energy_reaches_the_goal_from_every_start()
    {
        // Push in the direction of motion: the classic energy-pumping controller.
        var episodes = FirstEpisodes(o => o[1] >= 0 ? SparseMountainCar.PushRight : SparseMountainCar.PushLeft, 3);
        Assert.Equal(Copies, episodes.Count);
        Assert.All(episodes, s =>
        {
            Assert.True(s.Solved);
            Assert.Equal(1.0, s.Return);
            Assert.InRange(s.Length, 50, 200);
        });
    }

    [Theory]
    [InlineData(SparseMountainCar.PushLeft)]
    [InlineData(SparseMountainCar.NoPush)]
    [InlineData(SparseMountainCar.PushRight)]
    public void A_constant_policy_never_reaches_the_goal(int action)
    {
        var episodes = FirstEpisodes(_ => action, 4);
        Assert.All(episodes, s => Assert.Equal((false, 0.0, 1000), (s.Solved, s.Return, s.Length)));
    }

    [Fact]
    public void One_step_follows_gyms_update_and_the_observation_is_normalised()
    {
        var environment = new SparseMountainCar(new SparseMountainCarConfig(), 1);
        var batch = new Batch(environment, 6);
        var (x, v) = environment.State(0);
        Assert.Equal(0.0, v);
        Assert.InRange(x, -0.6, -0.4);
        Assert.Equal((float)((x + 0.3) / 0.9), batch.Observations[0]);
        batch.Step(SparseMountainCar.PushRight);
        var expectedV = 0.001 - 0.0025 * Math.Cos(3 * x);
        Assert.Equal((x + expectedV, expectedV), environment.State(0));
        Assert.Equal((float)(expectedV / 0.07), batch.Observations[1]);
    }
}
