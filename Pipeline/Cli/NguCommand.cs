using System.CommandLine;
using Pipeline.Reproductions.Ngu;

namespace Pipeline.Cli;

/// <summary><c>pipeline ngu walk-novelty &lt;run-dir&gt;</c>: what a trained Disco Maze run's embedding finds novel.</summary>
public static class NguCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "an ngu-disco run directory (its latest checkpoint is read)" };
        var mazes = new Option<int>("--mazes") { Description = "fresh mazes to walk", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "steps per walk", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "maze seed", DefaultValueFactory = _ => 12345 };
        var walks = new Command("walk-novelty",
            "Episodic reward per step the run's embedding gives an oscillating and a depth-first scripted walk on fresh mazes") { run, mazes, steps, seed };
        walks.SetAction(parse =>
        {
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
        return new Command("ngu", "Inspect NGU runs") { walks };
    }
}
