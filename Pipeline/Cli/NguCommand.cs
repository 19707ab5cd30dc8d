using System.CommandLine;
using System.Globalization;
using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Ngu.Networks;
using Pipeline.Recipes.Ngu;
using Pipeline.Reproductions.Ngu;

namespace Pipeline.Cli;

/// <summary>
/// <c>pipeline ngu walk-novelty &lt;run-dir&gt;</c>: what a trained Disco Maze run's embedding finds novel;
/// <c>pipeline ngu evaluate &lt;run-dir&gt;</c>: the run's policy played with a fixed epsilon on fresh episodes;
/// <c>pipeline ngu inverse-dynamics</c>: whether NGU's embedding learns a maze's moves at all, away from the agent.
/// </summary>
public static class NguCommand
{
    /// <param name="threads">the root's --threads option; <paramref name="configureThreads"/> applies it (one thread by default, so
    /// a probe is deterministic for its seed).</param>
    public static Command Create(Option<int?> threads, Action<int?> configureThreads)
    {
        var run = new Argument<string>("run") { Description = "an ngu-disco run directory (its latest checkpoint is read)" };
        var mazes = new Option<int>("--mazes") { Description = "fresh mazes to walk", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "steps per walk", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "maze seed", DefaultValueFactory = _ => 12345 };
        var walks = new Command("walk-novelty",
            "Episodic reward per step the run's embedding gives an oscillating and a depth-first scripted walk on fresh mazes") { run, mazes, steps, seed };
        walks.SetAction(parse =>
        {
            configureThreads(parse.GetValue(threads));
            if (parse.GetValue(mazes) < 1 || parse.GetValue(steps) < 1)
            {
                Console.Error.WriteLine("error: --mazes and --steps must be at least 1");
                return 2;
            }
            try
            {
                var result = WalkNovelty.FromRun(parse.GetValue(run)!, parse.GetValue(mazes), parse.GetValue(steps), (ulong)parse.GetValue(seed));
                Console.WriteLine($"oscillate {result.Oscillate:F4}  depth-first {result.DepthFirst:F4}  ratio {result.Ratio:F2}  (episodic reward per step)");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        var evaluateRun = new Argument<string>("run") { Description = "an NGU agent run directory (its latest checkpoint is read)" };
        var episodes = new Option<int>("--episodes") { Description = "episodes per copy", DefaultValueFactory = _ => 8 };
        var copies = new Option<int>("--copies") { Description = "environment copies played at once", DefaultValueFactory = _ => 16 };
        var epsilon = new Option<double>("--epsilon") { Description = "every copy's epsilon (the NGU paper evaluates with 0)", DefaultValueFactory = _ => 0 };
        var actorEpsilons = new Option<bool>("--actor-epsilons") { Description = "use the run's per-actor epsilons over the copies instead of --epsilon (what the training metrics average)" };
        var evaluationSeed = new Option<int>("--seed") { Description = "environment and inference seed", DefaultValueFactory = _ => 12345 };
        var evaluate = new Command("evaluate",
            "Play the run's latest policy on fresh episodes with a fixed epsilon and print the visited fraction, episode length and return")
            { evaluateRun, episodes, copies, epsilon, actorEpsilons, evaluationSeed };
        evaluate.SetAction(parse =>
        {
            configureThreads(parse.GetValue(threads));
            try
            {
                using var trained = TrainedRun.Open(parse.GetValue(evaluateRun)!);
                var chosen = parse.GetValue(actorEpsilons) ? (double?)null : parse.GetValue(epsilon);
                var result = AgentEvaluation.Run(trained.Config, trained.Agent, trained.Learner, parse.GetValue(copies), parse.GetValue(episodes), chosen,
                    (ulong)parse.GetValue(evaluationSeed), statistics: trained.Statistics);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"update {trained.Learner.Updates}, {result.Episodes.Count} episodes, epsilon {(chosen is { } e ? e.ToString("G3", CultureInfo.InvariantCulture) : "per actor")}: " +
                    $"visited fraction {result.MeanVisited:F4} ± {result.VisitedStandardError:F4} (standard error), length {result.MeanLength:F1}, " +
                    $"return {result.MeanReturn:G4}, solved {result.SolvedFraction:F3}"));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        var updates = new Option<int>("--updates") { Description = "Adam updates, each on a fresh batch of 16 copies x 10 steps", DefaultValueFactory = _ => 1000 };
        var staticWalls = new Option<bool>("--static-walls") { Description = "draw every wall in one colour (no disco noise)" };
        var probeSeed = new Option<int>("--seed") { Description = "network, maze and walk seed", DefaultValueFactory = _ => 0 };
        var rooms = new Option<int>("--rooms") { Description = "rooms per maze side (the Disco Maze: 10, a 21 x 21 grid)", DefaultValueFactory = _ => 10 };
        var keypoints = new Option<bool>("--keypoints") { Description = "the embedding torso with spatial soft-argmax keypoints (embedding-keypoints=true)" };
        var keypointsOnly = new Option<bool>("--keypoints-only") { Description = "the embedding torso of keypoints alone (embedding-keypoints-only=true)" };
        var sharpness = new Option<double>("--sharpness") { Description = "with --keypoints or --keypoints-only: the soft-argmax's starting inverse temperature", DefaultValueFactory = _ => Torso.InitialSharpness };
        var adamEpsilon = new Option<double>("--adam-epsilon") { Description = "Adam's epsilon (the recipe's: Table 6's 1e-4)", DefaultValueFactory = _ => NguRecipes.DiscoDefaults.AdamEpsilon };
        var stride = new Option<int>("--stride") { Description = "the second convolution's stride (the recipe's 2; the paper's 1)", DefaultValueFactory = _ => NguRecipes.DiscoDefaults.TorsoStride };
        var probe = new Command("inverse-dynamics",
            "Train the Disco recipe's embedding network by inverse dynamics on random legal walks and print its loss and accuracy on unseen transitions")
            { updates, staticWalls, probeSeed, rooms, keypoints, keypointsOnly, sharpness, adamEpsilon, stride };
        probe.SetAction(parse =>
        {
            configureThreads(parse.GetValue(threads));
            string?[] problems =
            [
                parse.GetValue(updates) < 1 ? $"--updates {parse.GetValue(updates)} must be at least 1" : null,
                parse.GetValue(rooms) is < 2 or > 100 ? $"--rooms {parse.GetValue(rooms)} must be between 2 and 100" : null,
                parse.GetValue(adamEpsilon) is not (> 0 and < 1) ? $"--adam-epsilon {parse.GetValue(adamEpsilon)} must be in (0, 1)" : null,
                parse.GetValue(stride) is < 1 or > 4 ? $"--stride {parse.GetValue(stride)} must be between 1 and 4" : null,
            ];
            foreach (var problem in problems.OfType<string>()) Console.Error.WriteLine($"error: {problem}");
            if (problems.Any(p => p is not null)) return 2;
            var config = NguRecipes.DiscoDefaults with { EmbeddingKeypoints = parse.GetValue(keypoints), EmbeddingKeypointsOnly = parse.GetValue(keypointsOnly),
                EmbeddingKeypointSharpness = parse.GetValue(sharpness), AdamEpsilon = parse.GetValue(adamEpsilon), TorsoStride = parse.GetValue(stride) };
            var points = InverseDynamicsProbe.Run(config, parse.GetValue(updates), 16, 10, parse.GetValue(staticWalls), parse.GetValue(probeSeed),
                parse.GetValue(rooms));
            foreach (var window in InverseDynamicsProbe.Windows(points))
                Console.WriteLine($"updates {window.First,5}-{window.Last,-5}  loss {window.Loss:F4}  accuracy {window.Accuracy:F3}");
            return 0;
        });
        return new Command("ngu", "Inspect NGU runs and the Disco Maze embedding") { walks, evaluate, probe };
    }
}
