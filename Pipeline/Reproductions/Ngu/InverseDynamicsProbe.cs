using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Ngu;
using Pipeline.Algorithms.Ngu.Networks;
using Pipeline.Algorithms.Optim;
using Pipeline.Environments.Control;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Ngu;

/// <summary>
/// Can NGU's embedding learn inverse dynamics on the Disco Maze at all, away from the agent? Trains a fresh
/// <see cref="EmbeddingNetwork"/> with the config's architecture and the learner's Adam on transitions of uniformly
/// random legal walks (never into a wall), each update on a new batch of copies x steps transitions, the way the
/// learner trains it (batch 16, its last 10 transitions). Each update is scored on its batch before the step, so the
/// accuracy is on transitions the network has not been trained on. A predictor that ignores the observations scores
/// about 1/4 (loss ln 4); a controllable embedding predicts the move from any two consecutive observations. With <c>staticWalls</c> every
/// wall is drawn in one colour, removing the disco noise.
/// </summary>
public static class InverseDynamicsProbe
{
    public sealed record Point(int Update, double Loss, double Accuracy);

    /// <summary>Mean loss and accuracy over consecutive windows of updates (1-based, inclusive), as the command and the report show them.</summary>
    public sealed record Window(int First, int Last, double Loss, double Accuracy);

    public static IReadOnlyList<Window> Windows(IReadOnlyList<Point> points, int size = 100) =>
        points.Chunk(size).Select(w => new Window(w[0].Update + 1, w[^1].Update + 1, w.Average(p => p.Loss), w.Average(p => p.Accuracy))).ToList();

    /// <param name="rooms">the maze's rooms per side (the Disco Maze's 21 x 21 grid is 10).</param>
    public static IReadOnlyList<Point> Run(NguConfig config, int updates, int copies, int stepsPerUpdate, bool staticWalls, int seed, int rooms = 10)
    {
        if (updates < 1 || copies < 1 || stepsPerUpdate < 1) throw new ArgumentException("updates, copies and steps per update must be at least 1");
        var environment = new DiscoMaze(new DiscoMazeConfig { Rooms = rooms }, copies);
        var (size, side, shape) = (environment.ObservationSize, environment.ObservationShape[^1], environment.ObservationShape);
        config = config with { Spec = new NguSpec(shape, environment.ActionCount) };
        using var generator = new Generator((ulong)seed);
        using var network = SeededInit.PyTorchDefaults(new EmbeddingNetwork(NguNetworks.EmbeddingTorso(config),
            environment.ActionCount, config.EmbeddingSize, CPU), generator);
        var parameters = network.parameters().ToList();
        using var adam = Adam.Init(parameters.Cast<Tensor>().ToList());
        var random = new Random(seed);
        var observations = new float[copies * size];
        environment.Reset((ulong)seed, observations);
        if (staticWalls) OneWallColour(observations, size);
        var (rewards, terminated, truncated) = (new float[copies], new bool[copies], new bool[copies]);
        var finished = new List<EpisodeSummary>();
        var actions = new int[copies];
        var points = new List<Point>(updates);
        for (var update = 0; update < updates; update++)
        {
            var now = new List<float>();
            var next = new List<float>();
            var taken = new List<long>();
            for (var t = 0; t < stepsPerUpdate; t++)
            {
                var before = (float[])observations.Clone();
                for (var copy = 0; copy < copies; copy++)
                {
                    var observation = observations.AsSpan(copy * size, size);
                    var at = DiscoObservations.AgentCell(observation, side);
                    var open = DiscoObservations.OpenNeighbours(observation, side, at);
                    actions[copy] = DiscoObservations.Move(at, open[random.Next(open.Count)], side);
                }
                environment.Step(actions, observations, rewards, terminated, truncated, finished);
                if (staticWalls) OneWallColour(observations, size);
                for (var copy = 0; copy < copies; copy++)
                {
                    if (terminated[copy] || truncated[copy]) continue; // the step limit started a new maze: not a transition
                    now.AddRange(before.AsSpan(copy * size, size));
                    next.AddRange(observations.AsSpan(copy * size, size));
                    taken.Add(actions[copy]);
                }
            }
            points.Add(Train(network, parameters, adam, config, now, next, taken, shape, update));
        }
        return points;
    }

    static Point Train(EmbeddingNetwork network, List<TorchSharp.Modules.Parameter> parameters, AdamState adam, NguConfig config, List<float> now, List<float> next,
        List<long> taken, int[] shape, int update)
    {
        using var scope = NewDisposeScope();
        long[] batchShape = [taken.Count, .. shape.Select(d => (long)d)];
        var actions = tensor(taken.ToArray());
        var logits = network.ActionLogits(network.call(tensor(now.ToArray(), batchShape)), network.call(tensor(next.ToArray(), batchShape)));
        var loss = nn.functional.cross_entropy(logits, actions);
        var accuracy = logits.detach().argmax(-1).eq(actions).to_type(ScalarType.Float32).mean().item<float>();
        network.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(parameters, config.ClipNorm);
        Adam.Update(new AdamConfig(config.EmbeddingLearningRate, 0.9, 0.999, config.AdamEpsilon), adam, parameters.Cast<Tensor>().ToList());
        return new Point(update, loss.item<float>(), accuracy);
    }

    /// <summary>Every wall drawn red (1, 0, 0): the maze and the agent stay, the changing colours go.</summary>
    static void OneWallColour(float[] observations, int size)
    {
        var cells = size / 3;
        for (var offset = 0; offset < observations.Length; offset += size)
            for (var c = 0; c < cells; c++)
                if (observations[offset + c] > 0)
                    (observations[offset + c], observations[offset + cells + c], observations[offset + 2 * cells + c]) = (1, 0, 0);
    }
}
