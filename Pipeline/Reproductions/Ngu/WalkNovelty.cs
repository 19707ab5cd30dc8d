using Pipeline.Algorithms.Ngu;
using Pipeline.Algorithms.Ngu.Networks;
using Pipeline.Environments.Control;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Ngu;

/// <summary>
/// The mechanism behind NGU's Disco Maze finding, measured directly: the episodic reward an embedding gives two scripted
/// walks on fresh mazes. "Oscillate" moves back and forth between the start and one open neighbour; "depth-first"
/// enters an unvisited open neighbour when there is one and backtracks otherwise. The changing wall colours make every
/// raw observation new, so an embedding that keeps them (a random projection) finds oscillating about as novel as
/// exploring; a controllable-state embedding should find only the depth-first walk novel, which is what makes
/// depth-first behaviour pay. Walks are read from the observations alone (walls are never black in the red plane;
/// the agent is pure green), never from the environment's internals.
/// </summary>
public static class WalkNovelty
{
    public sealed record Result(double Oscillate, double DepthFirst)
    {
        /// <summary>How many times more episodic reward per step the depth-first walk earns.</summary>
        public double Ratio => DepthFirst / Oscillate;
    }

    /// <summary>
    /// The walks measured with the embedding of a Disco Maze run's latest checkpoint, with the run's own episodic
    /// kernel and memory size. Refuses runs that are not on the disco maze or have no embedding (intrinsic=none).
    /// </summary>
    public static Result FromRun(string runDirectory, int mazes, int steps, ulong seed)
    {
        using var run = TrainedRun.Open(runDirectory);
        var (config, agent) = (run.Config, run.Agent);
        if (agent.Environment != "disco-maze") throw new ArgumentException($"{runDirectory} ran on {agent.Environment}; the walks are scripted for the disco maze");
        if (config.Intrinsic == NguConfig.None) throw new ArgumentException($"{runDirectory} is plain R2D2 (intrinsic=none): it has no embedding");
        var environment = agent.CreateEnvironment(16, 0);
        var embedding = run.Learner.Online.Embedding!;
        return Measure(config.Kernel, config.EpisodicCapacity, config.EmbeddingSize, observations => Embed(embedding, observations, environment.ObservationShape),
            environment, mazes, steps, seed);
    }

    /// <summary>Mean episodic reward per step (after the first) of each walk over <paramref name="mazes"/> mazes of <paramref name="steps"/> steps.</summary>
    /// <param name="embed">all copies' observations (copy-major) to their embeddings of <paramref name="dimension"/> each.</param>
    public static Result Measure(EpisodicKernel kernel, int capacity, int dimension, Func<float[], float[]> embed, IVectorEnvironment environment,
        int mazes, int steps, ulong seed)
    {
        if (environment.Name != "disco-maze") throw new ArgumentException($"walks are scripted for the disco maze, not {environment.Name}");
        if (mazes < 1 || steps < 1) throw new ArgumentException($"mazes ({mazes}) and steps ({steps}) must be at least 1");
        var size = environment.ObservationSize;
        var side = environment.ObservationShape[^1];
        var count = environment.Count;
        // One memory for both walks, alternating episodes: its running mean of neighbour distances (the kernel's scale)
        // is then the same for both, as an agent's is across its episodes.
        var memory = new EpisodicMemory(capacity, dimension, kernel);
        double oscillateSum = 0, depthFirstSum = 0;
        long rewarded = 0;
        var observations = new float[count * size];
        for (var round = 0; round * count < mazes; round++)
        {
            // Both walks start from the same maze and position: the environment is reset with the same seed for each.
            var roundSeed = seed + (ulong)round;
            var walkO = Walk(environment, embed, observations, roundSeed, steps, size, side, depthFirstWalk: false);
            var walkD = Walk(environment, embed, observations, roundSeed, steps, size, side, depthFirstWalk: true);
            for (var copy = 0; copy < count && round * count + copy < mazes; copy++)
            {
                oscillateSum += Episode(memory, walkO, copy, steps, dimension);
                depthFirstSum += Episode(memory, walkD, copy, steps, dimension);
                rewarded += steps;
            }
        }
        return new Result(oscillateSum / rewarded, depthFirstSum / rewarded);
    }

    /// <summary>The summed episodic reward of one copy's walk (its first observation starts the memory and earns nothing).</summary>
    static double Episode(EpisodicMemory memory, float[][] embeddings, int copy, int steps, int dimension)
    {
        memory.Clear();
        var sum = 0.0;
        for (var t = 0; t <= steps; t++)
        {
            var reward = memory.RewardAndAdd(embeddings[t].AsSpan(copy * dimension, dimension));
            if (t > 0) sum += reward;
        }
        return sum;
    }

    /// <summary>Every copy walks <paramref name="steps"/> legal moves; returns the embeddings of the steps+1 observations.</summary>
    static float[][] Walk(IVectorEnvironment environment, Func<float[], float[]> embed, float[] observations, ulong seed, int steps, int size, int side,
        bool depthFirstWalk)
    {
        var count = environment.Count;
        environment.Reset(seed, observations);
        var embeddings = new float[steps + 1][];
        embeddings[0] = embed(observations);
        var visited = Enumerable.Range(0, count).Select(_ => new HashSet<int>()).ToArray();
        var paths = Enumerable.Range(0, count).Select(_ => new Stack<int>()).ToArray();
        var homes = new int[count];
        var partners = new int[count];
        var actions = new int[count];
        var (rewards, terminated, truncated) = (new float[count], new bool[count], new bool[count]);
        var finished = new List<EpisodeSummary>();
        for (var copy = 0; copy < count; copy++)
        {
            var at = DiscoObservations.AgentCell(observations.AsSpan(copy * size, size), side);
            homes[copy] = at;
            partners[copy] = DiscoObservations.OpenNeighbours(observations.AsSpan(copy * size, size), side, at)[0];
            visited[copy].Add(at);
            paths[copy].Push(at);
        }
        for (var t = 1; t <= steps; t++)
        {
            for (var copy = 0; copy < count; copy++)
            {
                var observation = observations.AsSpan(copy * size, size);
                var at = DiscoObservations.AgentCell(observation, side);
                int next;
                if (!depthFirstWalk) next = at == homes[copy] ? partners[copy] : homes[copy];
                else
                {
                    var open = DiscoObservations.OpenNeighbours(observation, side, at);
                    if (paths[copy].Count == 1 && open.All(visited[copy].Contains))
                    {
                        // Back at the start with every cell seen (a small maze): begin a new depth-first pass.
                        visited[copy].Clear();
                        visited[copy].Add(at);
                    }
                    var fresh = open.Where(c => !visited[copy].Contains(c)).ToList();
                    if (fresh.Count > 0)
                    {
                        next = fresh[0];
                        paths[copy].Push(next);
                        visited[copy].Add(next);
                    }
                    else
                    {
                        if (paths[copy].Count > 1) paths[copy].Pop();
                        next = paths[copy].Peek();
                    }
                }
                actions[copy] = DiscoObservations.Move(at, next, side);
            }
            environment.Step(actions, observations, rewards, terminated, truncated, finished);
            if (terminated.Any(x => x))
                throw new InvalidOperationException("a scripted walk ran into a wall: it read a wall as open (the observation's colour coding changed?)");
            if (truncated.Any(x => x))
                throw new ArgumentException($"walks of {steps} steps reach the environment's step limit; use fewer steps");
            embeddings[t] = embed(observations);
        }
        return embeddings;
    }

    static float[] Embed(EmbeddingNetwork embedding, float[] observations, int[] shape)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var device = embedding.parameters().First().device;
        var count = observations.Length / shape.Aggregate(1, (a, b) => a * b);
        var x = tensor(observations, [count, .. shape.Select(d => (long)d)]).to(device);
        return embedding.call(x).cpu().data<float>().ToArray();
    }
}
