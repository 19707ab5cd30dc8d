namespace Pipeline.Cluster.Grains;

/// <summary>
/// What an actor host runs: copies [FirstCopy, FirstCopy + Copies) of a run, rebuilt on the silo from the recipe's name
/// and the run's <c>--set</c> assignments (validated there exactly as in the learner's process).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ActorAssignment(
    [property: Id(0)] string Recipe,
    [property: Id(1)] string[] Assignments,
    [property: Id(2)] int Seed,
    [property: Id(3)] long Steps,
    [property: Id(4)] string RunName,
    [property: Id(5)] int Shards,
    [property: Id(6)] int FirstCopy,
    [property: Id(7)] int Copies,
    [property: Id(8)] string? CheckpointDirectory,
    [property: Id(9)] int Protocol = ClusterProtocol.Version,
    [property: Id(10)] RewardStatistics? Resumed = null);

/// <summary>
/// The actors' life-long intrinsic-reward statistics (RND's error moments and each copy's running mean d_m^2, indexed by
/// the run's global copy number): what a host reports, and what a resumed run's hosts start from.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RewardStatistics(
    [property: Id(0)] long RndCount,
    [property: Id(1)] double RndMean,
    [property: Id(2)] double RndVariance,
    [property: Id(3)] double[] DistanceMeans,
    [property: Id(4)] long[] DistancesSeen);

/// <summary>Episodes an actor host finished since it was last asked, its counters, and its reward statistics now.</summary>
[GenerateSerializer, Immutable]
public sealed record ActorProgress(
    [property: Id(0)] string Silo,
    [property: Id(1)] bool Running,
    [property: Id(2)] string? Failure,
    [property: Id(3)] long EnvSteps,
    [property: Id(4)] long ParameterVersion,
    [property: Id(5)] double[] Returns,
    [property: Id(6)] int[] Lengths,
    [property: Id(7)] double[] Visited,
    [property: Id(8)] bool[] Solved,
    [property: Id(9)] double IntrinsicMean,
    [property: Id(10)] long ReplayLost,
    [property: Id(11)] int ShardRestarts,
    [property: Id(12)] int[] Copies,
    [property: Id(13)] RewardStatistics? Statistics = null);

/// <summary>
/// Runs a share of a run's actors inside a silo (grain key: run name and host number): vectorised environments, a
/// batched inference server fed by the run's parameter server, and a writer into the run's replay shards.
/// </summary>
public interface IActorHost : IGrainWithStringKey
{
    /// <summary>Starts the actors (once; a second start with the same assignment is a no-op); returns the silo it runs on.</summary>
    Task<string> Start(ActorAssignment assignment);

    /// <summary>Episodes finished since the last call, and the counters.</summary>
    Task<ActorProgress> TakeProgress();

    /// <summary>Stops the actors, waits for their writes, and returns the last progress.</summary>
    Task<ActorProgress> Stop();
}
