using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks.Dataflow;
using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Recipes;
using Pipeline.Recipes.Ngu;
using Pipeline.Runs;
using Pipeline.Stages.Parameters;
using Pipeline.Stages.Replay;
using static TorchSharp.torch;

namespace Pipeline.Benchmarks;

/// <summary>
/// The NGU agent's throughput against its parts, all in one run: environment steps alone (random actions), the actors
/// with batched inference and intrinsic rewards feeding replay (no learner), the learner alone on replayed batches, and
/// the whole graph (actors, replay with its rate limiter, learner) as the recipe runs it.
/// </summary>
public static class NguThroughput
{
    public static void Run(string recipe, double seconds, long updates)
    {
        var (defaults, agent) = recipe == "ngu-disco"
            ? (NguRecipes.DiscoDefaults, new NguAgentConfig { Environment = "disco-maze", Size = 10, Copies = 16, SamplesPerInsert = 0.25 })
            : (NguRecipes.DeepSeaDefaults, new NguAgentConfig { Environment = "deep-sea", Size = 10, Copies = 64, SamplesPerInsert = 0.8 });
        var config = NguAgent.WithEnvironmentSpec(defaults, agent);
        Console.WriteLine($"{recipe}: {agent.Environment}, {agent.Copies} copies in {agent.ActorGroups} groups, batch {config.BatchSize} x {config.SequenceLength} steps");
        var environment = EnvironmentAlone(agent, seconds);
        var (actors, table) = ActorsAlone(config, agent, seconds);
        var learner = LearnerAlone(config, table, Math.Max(5, (int)updates / 10));
        InferenceParts(config, agent);
        var (graphFrames, graphUpdates) = WholeGraph(recipe, agent, updates);
        Print("environment alone (random actions)", environment, "frames/s", environment);
        Print("actors + batched inference, no learner", actors, "frames/s", environment);
        Print("whole graph: actors", graphFrames, "frames/s", actors);
        Print("learner alone", learner, "updates/s", learner);
        Print("whole graph: learner", graphUpdates, "updates/s", learner);
    }

    static void Print(string what, double value, string unit, double baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-42} {value,12:F1} {unit,-10} ratio {value / baseline,6:F3}"));

    static double EnvironmentAlone(NguAgentConfig agent, double seconds)
    {
        var env = agent.CreateEnvironment(agent.Copies, 0);
        var (obs, rewards) = (new float[agent.Copies * env.ObservationSize], new float[agent.Copies]);
        var (terminated, truncated) = (new bool[agent.Copies], new bool[agent.Copies]);
        var actions = new int[agent.Copies];
        var finished = new List<EpisodeSummary>(agent.Copies);
        var random = new Random(1);
        env.Reset(1, obs);
        var clock = Stopwatch.StartNew();
        long steps = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < actions.Length; i++) actions[i] = random.Next(env.ActionCount);
            env.Step(actions, obs, rewards, terminated, truncated, finished);
            finished.Clear();
            steps += agent.Copies;
        }
        return steps / clock.Elapsed.TotalSeconds;
    }

    static (double FramesPerSecond, ReplayTable Table) ActorsAlone(NguConfig config, NguAgentConfig agent, double seconds)
    {
        var layout = NguSequences.Layout(config);
        var table = new ReplayTable(new TableOptions(layout.Items, 4096, Sampler.Prioritized(0.9), RateLimiterOptions.MinSize(1)));
        using var store = new ParameterStore<ParameterSnapshot>();
        using var inference = new InferenceServer(config, agent, store, 0, CPU);
        var writer = table.Writer();
        var pool = BatchPool.Items(layout.Items, 16);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var clock = Stopwatch.StartNew();
        var groups = Enumerable.Range(0, agent.ActorGroups).Select(g =>
        {
            var first = g * agent.Copies / agent.ActorGroups;
            var count = (g + 1) * agent.Copies / agent.ActorGroups - first;
            var group = new ActorGroup(config, agent.CreateEnvironment(count, first), first, layout, pool, inference, writer, _ => { }, () => 1);
            return Task.Run(() => group.RunAsync((ulong)g, stop.Token));
        }).ToArray();
        try
        {
            Task.WaitAll(groups);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
        }
        var rate = inference.Forwarded / clock.Elapsed.TotalSeconds;
        writer.Complete();
        return (rate, table);
    }

    /// <summary>Milliseconds of each network's forward pass over all copies, and of a whole inference-server pass.</summary>
    static void InferenceParts(NguConfig config, NguAgentConfig agent)
    {
        var copies = agent.Copies;
        var size = config.Spec.ObservationSize;
        using var store = new ParameterStore<ParameterSnapshot>();
        using var server = new InferenceServer(config, agent with { ActorGroups = 1 }, store, 1, CPU);
        var observations = new float[copies * size];
        for (var i = 0; i < copies; i++) observations[i * size + i % size] = 1;
        InferenceRequest Request() => new(0, observations, new int[copies], new float[copies], new bool[copies]);
        Milliseconds("whole inference-server pass", () => server.ActAsync(Request()).GetAwaiter().GetResult());
        using var generator = new Generator(1);
        using var networks = new NguNetworks(config, generator, CPU);
        using var _ = no_grad();
        using var x = tensor(observations, [copies, .. config.Spec.ObservationShape.Select(d => (long)d)]);
        if (networks.Rnd is { } rnd) Milliseconds("  RND (target and predictor)", () => { using var s = NewDisposeScope(); rnd.call(x); });
        if (networks.Embedding is { } embedding)
        {
            Milliseconds("  embedding f", () => { using var s = NewDisposeScope(); embedding.call(x); });
            EmbeddingVersions(config, embedding, x, copies);
        }
        Milliseconds("  Q-network step", () =>
        {
            using var s = NewDisposeScope();
            networks.Q.call(new Algorithms.Ngu.Networks.QInputs(x.unsqueeze(1), zeros([copies, 1], ScalarType.Int64), zeros(copies, 1), zeros(copies, 1),
                zeros(copies, ScalarType.Int64)), (zeros(copies, config.Hidden), zeros(copies, config.Hidden)));
        });
    }

    /// <summary>The embedding pass when copies' episodes started under 2 or 4 versions of f (one forward pass each).</summary>
    static void EmbeddingVersions(NguConfig config, Algorithms.Ngu.Networks.EmbeddingNetwork embedding, Tensor x, int copies)
    {
        var index = Enumerable.Range(0, copies).ToArray();
        foreach (var versions in new[] { 2, 4 })
        {
            using var embeddings = new EpisodeEmbeddings(embedding,
                () => new Algorithms.Ngu.Networks.EmbeddingNetwork(NguNetworks.EmbeddingTorso(config), config.Spec.ActionCount, config.EmbeddingSize, CPU), copies);
            for (var v = 1; v < versions; v++)
            {
                embeddings.Refresh(() => { });
                embeddings.StartEpisodes(index, index.Select(i => i % versions >= v).ToArray());
            }
            Milliseconds($"  embedding f, episodes on {versions} versions", () => { using var s = NewDisposeScope(); embeddings.Embed(x, index); });
        }
    }

    static void Milliseconds(string what, Action action)
    {
        for (var i = 0; i < 10; i++) action();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 200; i++) action();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-42} {clock.Elapsed.TotalMilliseconds / 200,8:F3} ms per pass over the copies"));
    }

    static double LearnerAlone(NguConfig config, ReplayTable table, int updates)
    {
        var layout = NguSequences.Layout(config);
        using var state = NguLearner.Init(config, 0, CPU);
        using var sample = new SampleBatch(layout.Items, config.BatchSize);
        if (table.TrySample(sample) != config.BatchSize)
            throw new InvalidOperationException($"the learner-alone batch holds {sample.Count} sequences, not {config.BatchSize}");
        using var batch = NguSequences.ToBatch(config, layout, sample, CPU);
        NguLearner.Update(state, batch);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < updates; i++) NguLearner.Update(state, batch);
        return updates / clock.Elapsed.TotalSeconds;
    }

    static (double Frames, double Updates) WholeGraph(string recipe, NguAgentConfig agent, long updates)
    {
        var prepared = RecipeRegistry.Find(recipe)!.Prepare([$"copies={agent.Copies}", $"samples-per-insert={agent.SamplesPerInsert}", $"checkpoint-every={updates}"], 0, updates)
            .IfFail(e => throw new InvalidOperationException(string.Join("; ", e)));
        var folder = Path.Combine(Directory.CreateTempSubdirectory("ngu-bench-").FullName, "run");
        var clock = Stopwatch.StartNew();
        var outcome = TrainingRunner.Run(prepared, RunDirectory.CreateNew(folder, recipe, 0), false, false, [], _ => { }, CancellationToken.None).GetAwaiter().GetResult();
        var elapsed = clock.Elapsed.TotalSeconds;
        var frames = MetricsLog.Read(outcome.Directory.MetricsJsonl).Where(p => p.Metric == "env_steps").Select(p => p.Value).DefaultIfEmpty(0).Max();
        Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        return (frames / elapsed, updates / elapsed);
    }
}
