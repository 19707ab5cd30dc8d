using Pipeline.Environments.Control;
using Xunit;

namespace Pipeline.Properties.Control;

/// <summary>The key-door maze: the key opens the door, the goal is behind it, the reward is single and sparse.</summary>
public class KeyDoorMazeProperties
{
    /// <summary>Shortest actions from one cell to another through open cells, avoiding <paramref name="avoid"/>; null if none.</summary>
    static List<int>? Route(KeyDoorLayout layout, int from, int to, params int[] avoid)
    {
        int[] moves = [-1, 1, -layout.Side, layout.Side];
        var came = new Dictionary<int, (int Cell, int Action)> { [from] = (-1, -1) };
        var frontier = new Queue<int>([from]);
        while (frontier.TryDequeue(out var cell))
            for (var a = 0; a < 4; a++)
            {
                var next = cell + moves[a];
                if (layout.Walls[next] || avoid.Contains(next) || came.ContainsKey(next)) continue;
                came[next] = (cell, a);
                frontier.Enqueue(next);
            }
        if (!came.ContainsKey(to)) return null;
        var route = new List<int>();
        for (var cell = to; cell != from; cell = came[cell].Cell) route.Insert(0, came[cell].Action);
        return route;
    }

    public static TheoryData<int, bool> Layouts => new() { { 0, false }, { 1, false }, { 2, false }, { 3, true }, { 4, true } };

    [Theory, MemberData(nameof(Layouts))]
    public void The_scripted_solution_fetches_the_key_opens_the_door_and_is_rewarded_once(int seed, bool newLayouts)
    {
        var environment = new KeyDoorMaze(new KeyDoorMazeConfig { LayoutSeed = seed, NewLayoutEachEpisode = newLayouts }, 1);
        var batch = new Batch(environment, (ulong)seed);
        var layout = environment.Layout(0);
        Assert.Null(Route(layout, layout.Start, layout.Goal, layout.Door)); // the goal lies behind the door
        Assert.NotNull(Route(layout, layout.Start, layout.Key, layout.Door)); // the key does not
        var plan = Route(layout, layout.Start, layout.Key, layout.Door)!.Concat(Route(layout, layout.Key, layout.Goal)!).ToList();
        for (var t = 0; t < plan.Count; t++)
        {
            batch.Step(plan[t]);
            Assert.Equal(t == plan.Count - 1 ? 1f : 0f, batch.Rewards[0]);
            Assert.Equal(t == plan.Count - 1, batch.Terminated[0]);
        }
        var summary = Assert.Single(batch.Finished);
        Assert.True(summary.Solved);
        Assert.Equal((1.0, plan.Count), (summary.Return, summary.Length));
    }

    [Theory, MemberData(nameof(Layouts))]
    public void Without_the_key_the_door_blocks(int seed, bool newLayouts)
    {
        var environment = new KeyDoorMaze(new KeyDoorMazeConfig { LayoutSeed = seed, NewLayoutEachEpisode = newLayouts, MaxSteps = 100 }, 1);
        var batch = new Batch(environment, (ulong)seed);
        var layout = environment.Layout(0);
        var cells = layout.Side * layout.Side;
        var toDoor = Route(layout, layout.Start, layout.Door, layout.Key);
        Assert.True(toDoor is not null, $"layout {seed}: the key lies on the only way to the door");
        foreach (var action in toDoor.Take(toDoor.Count - 1)) batch.Step(action);
        var before = batch.Observation(0);
        for (var t = 0; t < 10; t++) batch.Step(toDoor[^1]); // push against the locked door
        var after = batch.Observation(0);
        Assert.Equal(before, after); // agent plane unchanged, door plane still set
        Assert.Equal(1f, after[3 * cells + layout.Door]);
        Assert.Equal(1f, after[2 * cells + layout.Key]);
        Assert.Empty(batch.Finished);
        Assert.All(batch.Rewards, r => Assert.Equal(0f, r));
    }

    [Fact]
    public void Walls_block_without_ending_the_episode_and_the_cap_truncates()
    {
        var environment = new KeyDoorMaze(new KeyDoorMazeConfig { MaxSteps = 7 }, 1);
        var batch = new Batch(environment, 0);
        var layout = environment.Layout(0);
        var intoWall = Enumerable.Range(0, 4).First(a => layout.Walls[layout.Start + new[] { -1, 1, -layout.Side, layout.Side }[a]]);
        var start = batch.Observation(0);
        for (var t = 0; t < 6; t++)
        {
            batch.Step(intoWall);
            Assert.False(batch.Terminated[0] || batch.Truncated[0]);
            Assert.Equal(start, batch.Observation(0));
        }
        batch.Step(intoWall);
        Assert.True(batch.Truncated[0]);
        var summary = Assert.Single(batch.Finished);
        Assert.Equal((7, false, 1.0 / 49), (summary.Length, summary.Solved, summary.VisitedFraction));
    }
}
