using Pipeline.Reports;

namespace Pipeline.Reproductions.Ngu;

/// <summary>
/// The deep-exploration test the NGU issue asks for on bsuite's DeepSea(N): NGU, NGU with a fixed random embedding and
/// R2D2 without intrinsic reward, each for the same learner budget at several sizes. DeepSea pays 1 only at the
/// bottom-right corner after N "right" moves, each costing 0.01/N, so dithering finds it with probability 2^-N per
/// episode and a greedy policy learns to avoid the cost.
/// </summary>
public sealed class DeepSeaExploration : IReproduction
{
    public string Name => "ngu-deepsea";
    public string Summary => "NGU vs R2D2 (and NGU with a random embedding) on DeepSea(N): rewarded episodes within a fixed budget";
    public string Paper => "Badia et al. 2020, Never Give Up (the bsuite DeepSea test of deep exploration; not an experiment of the paper)";

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        int[] sizes = context.Quick ? [6, 8] : [6, 8, 10, 12];
        var steps = context.Quick ? 1000L : 3000L;
        context.Report.Text($"Every agent: {steps} learner updates, 64 environment copies in 2 groups with Ape-X exploration epsilons " +
            "(0.4 to 0.4^8), one sequence per episode (length N, no burn-in), batches of 32 sequences, each sequence sampled 0.8 times on average (the recipe's defaults, R2D2's replay ratio), one seed. A run " +
            "'finds' the reward when its actors were rewarded at least 4 times as often as uniformly random actions would be (episodes x 2^-N). " +
            "NGU(N=1) has no exploitative policy: once the corner is familiar its novelty fades and the agent explores elsewhere, so the " +
            "rewarded fraction of the last quarter can fall again. 'first rewarded episode' counts episodes over all copies. 'epsilon 0' " +
            "plays the final policy without exploration (the recipe's `evaluate-every`: 16 copies x their first 4 episodes).");
        var rows = new List<IReadOnlyList<object>>();
        foreach (var size in sizes)
        {
            var curves = new List<(string, double[], double[])>();
            foreach (var (label, intrinsic) in AgentRuns.Agents)
            {
                var (metrics, evaluations, _) = await AgentRuns.Run(context, "ngu-deepsea", $"N{size}/{intrinsic}",
                    [$"size={size}", $"sequence-length={size}", $"replay-period={size}", $"auxiliary-steps={size - 1}", $"intrinsic={intrinsic}",
                     $"checkpoint-every={steps}"], steps, cancellation);
                if (cancellation.IsCancellationRequested) return;
                var episodes = AgentRuns.Last(metrics, "episodes");
                var rewarded = AgentRuns.Last(metrics, "solved_total");
                var random = episodes * Math.Pow(2, -size);
                rows.Add([size, label, episodes, rewarded, random,
                    AgentRuns.Last(metrics, "first_solved_episode") is var first && first >= 0 ? first : "never",
                    AgentRuns.Final(metrics, "solved_fraction"), AgentRuns.Last(evaluations, "solved_fraction"), rewarded >= 4 * random ? "yes" : "no",
                    AgentRuns.Last(metrics, "distinct_observations")]);
                curves.Add(AgentRuns.Curve(label, metrics, "solved_fraction"));
            }
            curves.Add(("uniformly random actions", [0, steps], [Math.Pow(2, -size), Math.Pow(2, -size)]));
            var path = context.PathOf($"deepsea-N{size}.png");
            GanPlots.Curves(path, $"DeepSea N = {size}: fraction of rewarded episodes", "learner update", "rewarded fraction", logY: false, curves);
            context.Report.Figure(path, $"DeepSea N = {size}: fraction of each report window's episodes that reached the reward.");
        }
        context.Report.Table(new ReportTable("deepsea", "DeepSea: rewarded episodes within the budget",
            ["N", "agent", "episodes", "rewarded episodes", "random actions would get", "first rewarded episode", "rewarded fraction (last quarter)",
             "rewarded fraction, epsilon 0 (end)", "found (>= 4x random)", "distinct cells seen"], rows));
    }
}
