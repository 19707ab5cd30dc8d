using System.Text.Json.Serialization;
using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Environments.Control;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// The acting side of an NGU/R2D2 run: the environment, how many copies act and in how many groups (each group is one
/// vectorised environment stepped by its own task, sharing one batched inference), the replay table and its rate
/// limiter, and the actors' exploration. The recipe's "data" section: <c>--set</c> keys as for any recipe.
/// </summary>
public sealed record NguAgentConfig : IConfig<NguAgentConfig>
{
    [Param("environment", OneOf = ["deep-sea", "disco-maze", "key-door-maze", "sparse-mountain-car"])]
    public string Environment { get; init; } = "deep-sea";

    [Param("DeepSea size N, or rooms per side of the Disco/key-door mazes (grid side 2n + 1)", Min = 1, Max = 1000)]
    public int Size { get; init; } = 10;

    // Omitted from the config hash while 0, so runs written before the key existed keep their hash and resume.
    [Param("steps before an episode is truncated; 0: the environment's own (Disco 500, key-door 300, MountainCar 1000; DeepSea's episodes are N steps by construction and refuse it)", Min = 0, Max = 1_000_000)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MaxSteps { get; init; }

    [Param("environment copies acting at once (NGU: 256 actors)", Min = 1, Max = 100000)]
    public int Copies { get; init; } = 16;

    [Param("vectorised environments the copies are split into, each stepped by its own task, all sharing one batched inference (SEED RL)", Min = 1, Max = 1024)]
    public int ActorGroups { get; init; } = 2;

    [Param("milliseconds the inference server waits for more groups' requests before running a partial batch", Min = 0, Max = 1000)]
    public double InferenceTimeoutMs { get; init; } = 1;

    [Param("replay capacity in sequences (FIFO eviction)", Min = 1, Max = 100_000_000)]
    public int ReplayCapacity { get; init; } = 20_000;

    [Param("sequences in replay before the learner may sample (NGU: 6250)", Min = 1, Max = 100_000_000)]
    public int MinReplay { get; init; } = 200;

    [Param("sampled sequences per inserted sequence, enforced by the rate limiter (Reverb SampleToInsertRatio)", Min = 0.001, Max = 10000)]
    public double SamplesPerInsert { get; init; } = 0.5;

    [Param("error buffer of the rate limiter, in samples (how far sampling may run ahead of or behind the ratio)", Min = 1)]
    public double RateErrorBuffer { get; init; } = 2000;

    [Param("replay priority exponent (Table 6)", Min = 0, Max = 10)]
    public double PriorityExponent { get; init; } = 0.9;

    [Param("importance-sampling exponent (R2D2 0.6)", Min = 0, Max = 10)]
    public double ImportanceExponent { get; init; } = 0.6;

    [Param("learner updates over which the maximum priority is kept; new sequences enter replay with it (1 before the first update)", Min = 1, Max = 1_000_000)]
    public int PriorityWindow { get; init; } = 100;

    [Param("inference batches between parameter refreshes from the learner (NGU: actor update period 100, in steps of one actor; here a batch steps every copy)", Min = 1)]
    public int ActorUpdatePeriod { get; init; } = 10;

    [Param("learner updates between published parameter snapshots", Min = 1)]
    public int PublishPeriod { get; init; } = 10;

    [Param("base of the per-copy exploration epsilon_i = base^(1 + alpha i / (n - 1)) (Ape-X, R2D2)", Min = 0, Max = 1)]
    public double EpsilonBase { get; init; } = 0.4;

    [Param("alpha of the per-copy exploration epsilon (Ape-X: 7)", Min = 0, Max = 100)]
    public double EpsilonAlpha { get; init; } = 7;

    [Param("count distinct observations (DeepSea, key-door: the coverage of exploration; off where observations carry noise, as the Disco Maze's wall colours, since every one is new and the set only grows)")]
    public bool CountDistinctObservations { get; init; } = true;

    [Param("write the replay table into the run directory with every run checkpoint, and refill it from there on --resume (replay/table.ckpt; capacity times item size on disk)")]
    public bool CheckpointReplay { get; init; }

    [Param("finished episodes per actor metrics line", Min = 1, Max = 1_000_000)]
    public int EpisodesPerReport { get; init; } = 64;

    [Param("learner updates between evaluations of the policy on fresh episodes, apart from training (phase \"eval\": the NGU paper evaluates the Disco Maze with epsilon 0), and after the last update; 0: none", Min = 0)]
    public int EvaluateEvery { get; init; }

    [Param("environment copies an evaluation plays", Min = 1, Max = 4096)]
    public int EvaluationCopies { get; init; } = 16;

    [Param("episodes each copy plays in an evaluation (its first ones, so that short episodes are not over-counted)", Min = 1, Max = 100_000)]
    public int EvaluationEpisodes { get; init; } = 4;

    [Param("every evaluation copy's exploration epsilon", Min = 0, Max = 1)]
    public double EvaluationEpsilon { get; init; }

    public Validation<Error, NguAgentConfig> Validate() => ConfigRules.Check(this,
        (ActorGroups <= Copies, $"actor-groups ({ActorGroups}) cannot exceed copies ({Copies})"),
        (MinReplay <= ReplayCapacity, $"min-replay ({MinReplay}) cannot exceed replay-capacity ({ReplayCapacity})"),
        (MaxSteps == 0 || Environment != "deep-sea", $"max-steps ({MaxSteps}) does not apply to deep-sea, whose episodes are size steps long; leave it 0"));

    /// <summary>The most steps an episode can take: DeepSea's take exactly size steps; the others end at their step limit at the latest.</summary>
    [JsonIgnore] // derived from the settings above; serialised, it would change every run's config hash
    public int LongestEpisode => Environment switch
    {
        "deep-sea" => Size,
        "disco-maze" => MaxSteps > 0 ? MaxSteps : new DiscoMazeConfig().MaxSteps,
        "key-door-maze" => MaxSteps > 0 ? MaxSteps : new KeyDoorMazeConfig().MaxSteps,
        _ => MaxSteps > 0 ? MaxSteps : new SparseMountainCarConfig().MaxSteps,
    };

    /// <summary>One group's vectorised environment: <paramref name="count"/> copies numbered from <paramref name="firstCopy"/>.</summary>
    public IVectorEnvironment CreateEnvironment(int count, int firstCopy) => Environment switch
    {
        "deep-sea" => new DeepSea(new DeepSeaConfig { Size = Size }, count, firstCopy),
        "disco-maze" => new DiscoMaze(MaxSteps == 0 ? new DiscoMazeConfig { Rooms = Size } : new DiscoMazeConfig { Rooms = Size, MaxSteps = MaxSteps }, count, firstCopy),
        "key-door-maze" => new KeyDoorMaze(MaxSteps == 0 ? new KeyDoorMazeConfig { Rooms = Size } : new KeyDoorMazeConfig { Rooms = Size, MaxSteps = MaxSteps }, count, firstCopy),
        _ => new SparseMountainCar(MaxSteps == 0 ? new SparseMountainCarConfig() : new SparseMountainCarConfig { MaxSteps = MaxSteps }, count, firstCopy),
    };
}
