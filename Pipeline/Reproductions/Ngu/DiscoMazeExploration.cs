using Pipeline.Recipes.Ngu;
using Pipeline.Reports;

namespace Pipeline.Reproductions.Ngu;

/// <summary>
/// NGU section 4.1, Figure 2: on the Random Disco Maze (no extrinsic reward, a wall ends the episode, wall colours change
/// every step) the percentage of the maze's cells visited per episode, for NGU with its learned controllable-state
/// embedding, NGU with a fixed random embedding, and R2D2 without intrinsic reward.
/// </summary>
public sealed class DiscoMazeExploration : IReproduction
{
    public string Name => "ngu-disco";
    public string Summary => "NGU vs a random embedding vs R2D2 on the Random Disco Maze: cells visited per episode";
    public string Paper => "Badia et al. 2020, Never Give Up, section 4.1 and Figure 2";

    const int WalkMazes = 64, WalkSteps = 40;
    const ulong WalkSeed = 12345;

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var steps = context.Quick ? 1000L : 4000L;
        context.Report.Text($"Every agent: {steps} learner updates of batch 16 (sequences of 61 steps: a burn-in of 10, the paper's 50 trained steps, 1 to bootstrap from), 16 environment copies, samples per insert 0.25, " +
            "Table 7's values otherwise (see docs/NGU.md for the deviations). The paper reports that only the learned embedding explores like " +
            "depth-first search (it trains for billions of frames); the measured values below are what this budget gives.");
        if (!await Maze(context, 10, steps, AgentRuns.Agents, "", cancellation)) return;
        Probe(context, cancellation);
        if (context.Quick || cancellation.IsCancellationRequested) return;
        context.Report.Text($"The same 21 x 21 maze with an embedding of keypoints alone (`embedding-keypoints-only=true`, not in the paper: the spatial " +
            "soft-argmax of 16 learnt colours, which the agent's inverse dynamics can learn at this budget) and a Q-network that also max-pools its maps " +
            $"over the grid (`q-global-pool=true`, so that acting on what is next to the agent need not be learnt cell by cell), {steps} updates: NGU " +
            "with the learned embedding against the same torso left random (which may locate the agent by chance; see its walk ratio).");
        if (!await Maze(context, 10, steps, AgentRuns.Agents.Take(2).ToArray(), "-keypoints", cancellation, "embedding-keypoints-only=true", "q-global-pool=true"))
            return;
        context.Report.Text("The same on a 9 x 9 maze (rooms 4, not the paper's size), where the probe above learns within a few hundred updates, " +
            "for 8,000 updates: NGU with its learned embedding against the random embedding.");
        await Maze(context, 4, 8000, AgentRuns.Agents.Take(2).ToArray(), "-9x9", cancellation);
    }

    /// <summary>The agents on one maze size: curves, the exploration table and the scripted-walk table. False when cancelled.</summary>
    static async Task<bool> Maze(ReproductionContext context, int rooms, long steps, (string Label, string Intrinsic)[] agents, string suffix,
        CancellationToken cancellation, params string[] settings)
    {
        var side = 2 * rooms + 1;
        var rows = new List<IReadOnlyList<object>>();
        var visited = new List<(string, double[], double[])>();
        var lengths = new List<(string, double[], double[])>();
        var greedyCurves = new List<(string, double[], double[])>();
        var walks = new List<IReadOnlyList<object>>();
        foreach (var (label, intrinsic) in agents)
        {
            var (metrics, evaluations, directory) = await AgentRuns.Run(context, "ngu-disco", intrinsic + suffix,
                [$"intrinsic={intrinsic}", $"size={rooms}", $"checkpoint-every={steps}", .. settings], steps, cancellation);
            if (cancellation.IsCancellationRequested) return false;
            if (intrinsic != "none")
            {
                var walk = WalkNovelty.FromRun(directory, WalkMazes, WalkSteps, WalkSeed);
                walks.Add([label, walk.Oscillate, walk.DepthFirst, walk.Ratio]);
            }
            rows.Add([label, AgentRuns.Last(metrics, "episodes"), AgentRuns.Final(metrics, "visited_fraction"), AgentRuns.Final(metrics, "length"),
                AgentRuns.Final(metrics, "intrinsic_mean"), $"{AgentRuns.Last(evaluations, "visited_fraction"):F4} ± {AgentRuns.Last(evaluations, "visited_fraction_se"):F4}", AgentRuns.Last(evaluations, "length")]);
            visited.Add(AgentRuns.Curve(label, metrics, "visited_fraction", 100));
            lengths.Add(AgentRuns.Curve(label, metrics, "length"));
            greedyCurves.Add(AgentRuns.Curve(label, evaluations, "visited_fraction", 100));
        }
        var path = context.PathOf($"disco-visited{suffix}.png");
        GanPlots.Curves(path, $"Random Disco Maze {side}x{side}: cells visited per episode", "learner update", "% of cells visited", logY: false, visited);
        context.Report.Figure(path, $"{side} x {side}: percentage of the maze's open cells visited per episode (mean over each report window of 64 episodes).");
        var greedyPath = context.PathOf($"disco-visited-greedy{suffix}.png");
        GanPlots.Curves(greedyPath, $"Random Disco Maze {side}x{side}: cells visited, epsilon 0", "learner update", "% of cells visited", logY: false, greedyCurves);
        context.Report.Figure(greedyPath, $"{side} x {side}: the policy played with epsilon 0 every 500 updates during training (the recipe's " +
            "`evaluate-every`: 16 copies x their first 4 episodes, the same fresh mazes at every evaluation).");
        var lengthPath = context.PathOf($"disco-length{suffix}.png");
        GanPlots.Curves(lengthPath, $"Random Disco Maze {side}x{side}: episode length", "learner update", "steps before touching a wall (cap 500)", logY: false, lengths);
        context.Report.Figure(lengthPath, $"{side} x {side}: episode length, how long each agent avoids the walls.");
        context.Report.Table(new ReportTable($"disco{suffix}", $"Random Disco Maze {side} x {side}: exploration at the end of {steps} updates (last quarter of the reports)",
            ["agent", "episodes", "visited fraction", "episode length", "mean intrinsic reward", "visited fraction, epsilon 0", "episode length, epsilon 0"], rows));
        context.Report.Text($"The first three measures average the actors' episodes during training, so the actors with epsilon up to 0.4, whose " +
            "episodes are short and many, dominate them. The last two play the final policy with epsilon 0, as the paper evaluates the Disco Maze " +
            "(the run's own evaluation after its last update, the last point of the epsilon-0 curve above; ± one standard error).");
        context.Report.Text($"The mechanism, measured on each trained embedding: the episodic reward per step it gives two scripted walks of {WalkSteps} " +
            $"steps on the same {WalkMazes} fresh {side} x {side} mazes (`pipeline ngu walk-novelty <run>`): moving back and forth between two cells, and a " +
            "depth-first walk. Changing wall colours make oscillating look new to an embedding that keeps them; a controllable-state embedding should " +
            "reward only the depth-first walk (an oracle embedding of the agent's cell gives 5.5x on 21 x 21 mazes, the raw observation 1.0x).");
        context.Report.Table(new ReportTable($"walks{suffix}", $"{side} x {side}: episodic reward per step of scripted walks, by trained embedding",
            ["agent", "oscillate", "depth-first", "depth-first / oscillate"], walks));
        return true;
    }

    /// <summary>
    /// How many updates NGU's embedding needs to learn inverse dynamics, by maze size, away from the agent
    /// (<see cref="InverseDynamicsProbe"/>): the first 100-update window whose accuracy on unseen transitions passes 0.9.
    /// </summary>
    static void Probe(ReproductionContext context, CancellationToken cancellation)
    {
        (int Rooms, int Updates, bool Keypoints)[] sizes = context.Quick
            ? [(2, 500, false), (4, 1000, false), (6, 2000, false), (10, 500, true)]
            : [(2, 500, false), (4, 1000, false), (6, 2000, false), (8, 4000, false), (10, 6000, false), (10, 500, true)];
        var rows = new List<IReadOnlyList<object>>();
        foreach (var (rooms, updates, keypoints) in sizes)
        {
            if (cancellation.IsCancellationRequested) return;
            var config = NguRecipes.DiscoDefaults with { EmbeddingKeypoints = keypoints };
            var points = InverseDynamicsProbe.Run(config, updates, 16, 10, staticWalls: false, context.Seed, rooms);
            var windows = InverseDynamicsProbe.Windows(points);
            var learned = windows.FirstOrDefault(w => w.Accuracy > 0.9);
            var side = 2 * rooms + 1;
            rows.Add([$"{side} x {side}", keypoints ? "with keypoints" : "flattened", updates, learned is not null ? $"{learned.Last}" : $"not within {updates}",
                windows[^1].Accuracy]);
        }
        context.Report.Text("Can the embedding learn at all at this budget? The recipe's embedding network trained by inverse dynamics on uniformly " +
            "random legal walks (`pipeline ngu inverse-dynamics --rooms N`), one fresh batch of 16 copies x 10 steps per update as the learner sees, " +
            "scored on each batch before its update. With the paper's flattened torso accuracy stays at chance (loss ln 4) for a plateau that grows with " +
            "the maze, then jumps to 1; with keypoints (`embedding-keypoints=true`, the spatial soft-argmax of 16 learnt colours) the 21 x 21 maze is learnt " +
            "within a few hundred updates.");
        context.Report.Table(new ReportTable("probe", "Updates until the embedding predicts moves (100-update window accuracy above 0.9)",
            ["maze", "embedding torso", "updates run", "learned by update", "final window accuracy"], rows));
    }
}
