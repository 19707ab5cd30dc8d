namespace Pipeline.Environments.Control;

/// <summary>The environments by name, with their default configs (for the command line and benchmarks).</summary>
public static class ControlEnvironments
{
    public static IReadOnlyList<string> Names { get; } = ["disco-maze", "deep-sea", "key-door-maze", "sparse-mountain-car"];

    /// <summary><paramref name="count"/> copies of the named environment with its default config.</summary>
    public static IVectorEnvironment Create(string name, int count, int firstCopy = 0) => name switch
    {
        "disco-maze" => new DiscoMaze(new DiscoMazeConfig(), count, firstCopy),
        "deep-sea" => new DeepSea(new DeepSeaConfig(), count, firstCopy),
        "key-door-maze" => new KeyDoorMaze(new KeyDoorMazeConfig(), count, firstCopy),
        "sparse-mountain-car" => new SparseMountainCar(new SparseMountainCarConfig(), count, firstCopy),
        _ => throw new ArgumentException($"unknown environment '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };
}
