using System.Diagnostics;
using System.Globalization;
using Pipeline.Environments.Control;

namespace Pipeline.Benchmarks;

/// <summary>
/// Environment steps per second of the control environments, batched (Count copies per Step call), on 1 thread and
/// on 2 (the batch split into two halves with their own first-copy offsets, stepped together with Parallel.For
/// once per batch step, as an actor that runs batched inference between steps would). Each figure is compared with a
/// baseline measured in the same run: a loop that only copies a prepared observation batch of the same size into
/// the output buffer (plus rewards and flags), single-threaded, so "x copy" says how much dearer than moving the
/// observation bytes a step is. Actions are drawn beforehand and cycled.
/// </summary>
public static class EnvironmentThroughput
{
    public static void Run(double secondsPerCase, int rounds, int[] counts)
    {
        Console.WriteLine($"environment steps per second; median of {rounds} rounds of {secondsPerCase:F2} s; Environment.ProcessorCount = {Environment.ProcessorCount}");
        Console.WriteLine("| environment | observation | copies | threads | steps/s | ns/step | copy baseline steps/s | x copy |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var name in ControlEnvironments.Names)
            foreach (var count in counts)
            {
                var probe = ControlEnvironments.Create(name, 1);
                var baseline = Median(rounds, () => CopyBaseline(count, probe.ObservationSize, secondsPerCase));
                foreach (var threads in new[] { 1, 2 })
                {
                    var rate = Median(rounds, () => Stepping(name, count, threads, secondsPerCase));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} | [{string.Join(", ", probe.ObservationShape)}] | {count} | {threads} | {rate / 1e6:F2} M | {1e9 / rate:F0} | {baseline / 1e6:F2} M | {baseline / rate:F2} |"));
                }
            }
    }

    /// <summary>Where a Disco Maze step's time goes: carving a new maze (every auto-reset) alone.</summary>
    public static void DiscoParts(double seconds)
    {
        var maze = new PerfectMaze(10);
        var wall = new bool[maze.Side * maze.Side];
        var stream = 1UL;
        var clock = Stopwatch.StartNew();
        var carved = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
            for (var k = 0; k < 64; k++, carved++) maze.Carve(wall, ref stream);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"carving one 21 x 21 perfect maze: {clock.Elapsed.TotalMilliseconds * 1e3 / carved:F2} us"));

        // Oscillating between the start and an open neighbour never ends an episode (no cap): recolouring the walls
        // and writing the planes is then all a step does.
        const int count = 256;
        var environment = new DiscoMaze(new DiscoMazeConfig { MaxSteps = 1_000_000 }, count);
        var (observations, rewards, terminated, truncated) = (new float[count * environment.ObservationSize], new float[count], new bool[count], new bool[count]);
        var finished = new List<EpisodeSummary>();
        environment.Reset(3, observations);
        const int side = 21, cells = side * side;
        int[] moves = [-1, 1, -side, side];
        var there = new int[count];
        for (var i = 0; i < count; i++)
        {
            var offset = i * 3 * cells;
            var agent = Enumerable.Range(0, cells).First(c => observations[offset + c] == 0 && observations[offset + cells + c] == 1); // pure green
            there[i] = Enumerable.Range(0, 4).First(d => observations[offset + agent + moves[d]] == 0); // red 0: open
        }
        var back = there.Select(d => d ^ 1).ToArray();
        clock.Restart();
        var batches = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
            for (var k = 0; k < 16; k++, batches++)
                environment.Step(batches % 2 == 0 ? there : back, observations, rewards, terminated, truncated, finished);
        if (finished.Count > 0) throw new InvalidOperationException("an oscillating Disco Maze agent ended an episode");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"disco-maze step without resets (256 copies, 1 thread): {clock.Elapsed.TotalMilliseconds * 1e6 / (batches * count):F0} ns"));
    }

    static double Median(int rounds, Func<double> measure)
    {
        var values = Enumerable.Range(0, rounds).Select(_ => measure()).Order().ToArray();
        return values[values.Length / 2];
    }

    /// <summary>Copies (not batches) stepped per second.</summary>
    static double Stepping(string name, int count, int threads, double seconds)
    {
        var parts = Enumerable.Range(0, threads).Select(p => new Part(name, count / threads, p * (count / threads))).ToArray();
        var policy = new Random(1);
        foreach (var part in parts) part.Prepare(policy);
        for (var t = 0; t < 50; t++) StepAll(parts, t); // warm-up: JIT, first auto-resets
        var clock = Stopwatch.StartNew();
        var batches = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
            for (var k = 0; k < 16; k++) StepAll(parts, batches++);
        return (double)batches * count / clock.Elapsed.TotalSeconds;
    }

    static void StepAll(Part[] parts, int t)
    {
        if (parts.Length == 1) parts[0].Step(t);
        else Parallel.For(0, parts.Length, p => parts[p].Step(t));
    }

    /// <summary>Copies per second for a loop that only writes a prepared observation batch, rewards and flags.</summary>
    static double CopyBaseline(int count, int observationSize, double seconds)
    {
        var source = Enumerable.Range(0, count * observationSize).Select(i => (float)(i % 7) / 7).ToArray();
        var (observations, rewards, flags) = (new float[source.Length], new float[count], new bool[count]);
        var clock = Stopwatch.StartNew();
        var batches = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
            for (var k = 0; k < 16; k++, batches++)
            {
                source.AsSpan().CopyTo(observations);
                rewards.AsSpan().Fill(batches);
                flags.AsSpan().Fill((batches & 1) == 0);
            }
        GC.KeepAlive(observations);
        return (double)batches * count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>One thread's share of the batch with its own buffers.</summary>
    sealed class Part(string name, int count, int firstCopy)
    {
        readonly IVectorEnvironment environment = ControlEnvironments.Create(name, count, firstCopy);
        readonly int[][] actions = new int[64][];
        readonly List<EpisodeSummary> finished = new(1 << 16);
        float[] observations = [], rewards = [];
        bool[] terminated = [], truncated = [];

        public void Prepare(Random policy)
        {
            for (var t = 0; t < actions.Length; t++)
                actions[t] = Enumerable.Range(0, count).Select(_ => policy.Next(environment.ActionCount)).ToArray();
            (observations, rewards) = (new float[count * environment.ObservationSize], new float[count]);
            (terminated, truncated) = (new bool[count], new bool[count]);
            environment.Reset(7, observations);
        }

        public void Step(int t)
        {
            environment.Step(actions[t % actions.Length], observations, rewards, terminated, truncated, finished);
            if (finished.Count > 60_000) finished.Clear();
        }
    }
}
