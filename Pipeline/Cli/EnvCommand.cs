using System.CommandLine;
using Pipeline.Environments.Control;
using Pipeline.Reports;

namespace Pipeline.Cli;

/// <summary><c>pipeline env list</c> and <c>pipeline env render &lt;name&gt; --out dir</c>: look at the control environments.</summary>
public static class EnvCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the control environments with their observation shapes and actions");
        list.SetAction(_ =>
        {
            foreach (var name in ControlEnvironments.Names)
            {
                var environment = ControlEnvironments.Create(name, 1);
                Console.WriteLine($"{name}  observation [{string.Join(", ", environment.ObservationShape)}], {environment.ActionCount} actions");
            }
            return 0;
        });

        var name = new Argument<string>("name") { Description = string.Join(" | ", ControlEnvironments.Names) };
        var output = new Option<string>("--out") { Description = "directory for the PNG frames and frames.txt", Required = true };
        var steps = new Option<int>("--steps") { Description = "uniformly random steps after the reset (one frame each)", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "environment and policy seed", DefaultValueFactory = _ => 0 };
        var render = new Command("render", "Write copy 0's frames under a random policy as PNG files and text") { name, output, steps, seed };
        render.SetAction(parse => Render(parse.GetValue(name)!, parse.GetValue(output)!, parse.GetValue(steps), parse.GetValue(seed)));

        return new Command("env", "Control environments (NGU / R2D2 exploration tasks)") { list, render };
    }

    static int Render(string name, string directory, int steps, int seed)
    {
        if (!ControlEnvironments.Names.Contains(name))
        {
            Console.Error.WriteLine($"error: unknown environment '{name}'; known: {string.Join(", ", ControlEnvironments.Names)}");
            return 2;
        }
        if (steps < 0)
        {
            Console.Error.WriteLine($"error: --steps = {steps} must be at least 0");
            return 2;
        }
        Directory.CreateDirectory(directory);
        var environment = ControlEnvironments.Create(name, 1);
        var observation = new float[environment.ObservationSize];
        environment.Reset((ulong)seed, observation);
        var policy = new Random(seed);
        var (action, reward, terminated, truncated) = (new int[1], new float[1], new bool[1], new bool[1]);
        var finished = new List<EpisodeSummary>();
        using var text = new StreamWriter(Path.Combine(directory, "frames.txt"));
        for (var t = 0; ; t++)
        {
            FramePng.Write(environment.RenderFrame(0), Path.Combine(directory, $"{name}-{t:D3}.png"));
            text.WriteLine($"step {t}");
            text.WriteLine(environment.RenderText(0));
            if (t == steps) break;
            action[0] = policy.Next(environment.ActionCount);
            environment.Step(action, observation, reward, terminated, truncated, finished);
            text.WriteLine($"action {action[0]} reward {reward[0]} terminated {terminated[0]} truncated {truncated[0]}");
        }
        Console.WriteLine($"{steps + 1} frames of {name} in {directory}");
        return 0;
    }
}
