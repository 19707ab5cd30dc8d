using Pipeline.Environments.Control;
using Xunit;

namespace Pipeline.Properties.Control;

/// <summary>Random Disco Maze (NGU 4.1), read back from its observations.</summary>
public class DiscoMazeProperties
{
    const int Side = 21, Cells = Side * Side, OpenCells = 199;

    /// <summary>Walls are the cells with red (every "hot" colour has some); the agent is pure green.</summary>
    static bool[] Walls(float[] observation) => Enumerable.Range(0, Cells).Select(c => observation[c] > 0).ToArray();

    static int Agent(float[] observation) =>
        Enumerable.Range(0, Cells).Single(c => observation[c] == 0 && observation[Cells + c] == 1 && observation[2 * Cells + c] == 0);

    static readonly int[] Moves = [-1, 1, -Side, Side];

    /// <summary>The first action from <paramref name="agent"/> that steps into a wall, or onto an open cell.</summary>
    static int FirstMove(bool[] wall, int agent, bool intoWall) => Enumerable.Range(0, 4).First(a => wall[agent + Moves[a]] == intoWall);

    static void AssertPerfect(float[] observation)
    {
        var wall = Walls(observation);
        var agent = Agent(observation);
        Assert.False(wall[agent]);
        for (var i = 0; i < Side; i++)
            Assert.True(wall[i] && wall[Cells - 1 - i] && wall[i * Side] && wall[i * Side + Side - 1], "border walls");
        var open = Enumerable.Range(0, Cells).Where(c => !wall[c]).ToList();
        Assert.Equal(OpenCells, open.Count);
        var edges = open.Sum(c => (wall[c + 1] ? 0 : 1) + (wall[c + Side] ? 0 : 1));
        Assert.Equal(open.Count - 1, edges); // a connected graph with n - 1 edges is a tree: one path between any two cells
        var reached = new HashSet<int> { agent };
        var frontier = new Queue<int>([agent]);
        while (frontier.TryDequeue(out var cell))
            foreach (var next in Moves.Select(m => cell + m).Where(n => !wall[n] && reached.Add(n))) frontier.Enqueue(next);
        Assert.Equal(OpenCells, reached.Count);
    }

    [Fact]
    public void Every_maze_is_a_perfect_21_by_21_maze_with_border_walls_also_after_auto_reset()
    {
        var environment = new DiscoMaze(new DiscoMazeConfig(), 8);
        Assert.Equal([3, 21, 21], environment.ObservationShape);
        var batch = new Batch(environment, 5);
        for (var copy = 0; copy < 8; copy++) AssertPerfect(batch.Observation(copy));
        var policy = new Random(3);
        var checkedResets = 0;
        while (checkedResets < 60)
        {
            batch.Step(Enumerable.Range(0, 8).Select(_ => policy.Next(4)).ToArray());
            for (var copy = 0; copy < 8; copy++)
                if (batch.Terminated[copy] || batch.Truncated[copy])
                {
                    AssertPerfect(batch.Observation(copy));
                    checkedResets++;
                }
        }
    }

    [Fact]
    public void Touching_a_wall_ends_the_episode_with_no_reward()
    {
        for (ulong seed = 0; seed < 10; seed++)
        {
            var batch = new Batch(new DiscoMaze(new DiscoMazeConfig(), 1), seed);
            var observation = batch.Observation(0);
            var (wall, agent) = (Walls(observation), Agent(observation));
            var into = FirstMove(wall, agent, intoWall: true);
            batch.Step(into);
            Assert.True(batch.Terminated[0]);
            Assert.False(batch.Truncated[0]);
            Assert.Equal(0f, batch.Rewards[0]);
            var summary = Assert.Single(batch.Finished);
            Assert.Equal((1, 0.0, 1.0 / OpenCells, false), (summary.Length, summary.Return, summary.VisitedFraction, summary.Solved));
        }
    }

    [Fact]
    public void Wall_colours_change_every_step_while_paths_stay_black()
    {
        var batch = new Batch(new DiscoMaze(new DiscoMazeConfig(), 1), 2);
        var before = batch.Observation(0);
        var (wall, agent) = (Walls(before), Agent(before));
        var palette = new HashSet<(float, float, float)>();
        for (var t = 0; t < 20; t++)
        {
            var move = FirstMove(wall, agent, intoWall: false);
            batch.Step(move);
            Assert.False(batch.Terminated[0] || batch.Truncated[0]);
            var after = batch.Observation(0);
            var next = Agent(after);
            Assert.Equal(agent + Moves[move], next);
            Assert.Equal(wall, Walls(after));
            var wallCells = Enumerable.Range(0, Cells).Where(c => wall[c]).ToList();
            var changed = wallCells.Count(c => (before[c], before[Cells + c], before[2 * Cells + c]) != (after[c], after[Cells + c], after[2 * Cells + c]));
            Assert.True(changed > wallCells.Count / 2, $"only {changed} of {wallCells.Count} wall cells changed colour"); // each keeps its colour with probability 1/5
            foreach (var c in wallCells) palette.Add((after[c], after[Cells + c], after[2 * Cells + c]));
            foreach (var c in Enumerable.Range(0, Cells).Where(c => !wall[c] && c != next))
                Assert.Equal((0f, 0f, 0f), (after[c], after[Cells + c], after[2 * Cells + c]));
            (before, agent) = (after, next);
        }
        Assert.Equal(5, palette.Count);
        Assert.DoesNotContain((0f, 1f, 0f), palette);
    }

    [Fact]
    public void Visited_fraction_counts_distinct_open_cells_on_a_scripted_walk()
    {
        var batch = new Batch(new DiscoMaze(new DiscoMazeConfig(), 1), 9);
        var observation = batch.Observation(0);
        var (wall, agent) = (Walls(observation), Agent(observation));
        var there = FirstMove(wall, agent, intoWall: false);
        var back = there ^ 1; // left/right and up/down are the pairs (0, 1) and (2, 3)
        var intoWall = FirstMove(wall, agent, intoWall: true);
        foreach (var action in new[] { there, back, there, back, intoWall }) batch.Step(action);
        var summary = Assert.Single(batch.Finished);
        Assert.Equal(5, summary.Length);
        Assert.Equal(2.0 / OpenCells, summary.VisitedFraction, 12);

        var capped = new Batch(new DiscoMaze(new DiscoMazeConfig { MaxSteps = 10 }, 1), 9);
        for (var t = 0; t < 10; t++) capped.Step(t % 2 == 0 ? there : back);
        Assert.True(capped.Truncated[0]);
        Assert.False(capped.Terminated[0]);
        var truncated = Assert.Single(capped.Finished);
        Assert.Equal((10, 2.0 / OpenCells), (truncated.Length, truncated.VisitedFraction));
    }

    /// <summary>
    /// Wall colours are uniform over the 5 colours, and horizontally adjacent walls are independent (the 25 colour
    /// pairs uniform): chi-square tests over 400 steps of one oscillating copy, each failing by chance with
    /// probability 1e-6 (critical values 33.38 for 4 and 72.23 for 24 degrees of freedom).
    /// </summary>
    [Fact]
    public void Wall_colours_are_uniform_and_neighbours_independent()
    {
        var batch = new Batch(new DiscoMaze(new DiscoMazeConfig(), 1), 11);
        var observation = batch.Observation(0);
        var (wall, agent) = (Walls(observation), Agent(observation));
        var there = FirstMove(wall, agent, intoWall: false);
        var palette = new List<(float, float, float)>();
        var singles = new long[5];
        var pairs = new long[25];
        for (var t = 0; t < 400; t++)
        {
            batch.Step(t % 2 == 0 ? there : there ^ 1);
            Assert.False(batch.Terminated[0] || batch.Truncated[0]);
            var frame = batch.Observation(0);
            int ColourOf(int cell)
            {
                var rgb = (frame[cell], frame[Cells + cell], frame[2 * Cells + cell]);
                var index = palette.IndexOf(rgb);
                if (index >= 0) return index;
                palette.Add(rgb);
                return palette.Count - 1;
            }
            for (var c = 0; c < Cells; c++)
            {
                if (!wall[c]) continue;
                singles[ColourOf(c)]++;
                if (c % Side < Side - 1 && wall[c + 1]) pairs[ColourOf(c) * 5 + ColourOf(c + 1)]++;
            }
        }
        Assert.Equal(5, palette.Count);
        static double ChiSquare(long[] counts) => counts.Sum(n => (n - counts.Average()) * (n - counts.Average()) / counts.Average());
        Assert.True(ChiSquare(singles) < 33.38, $"colour counts {string.Join(", ", singles)}: chi-square {ChiSquare(singles):F1}");
        Assert.True(ChiSquare(pairs) < 72.23, $"pair counts {string.Join(", ", pairs)}: chi-square {ChiSquare(pairs):F1}");
    }
}

