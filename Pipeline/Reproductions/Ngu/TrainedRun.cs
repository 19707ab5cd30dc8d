using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Ngu;
using Pipeline.Recipes;
using Pipeline.Runs;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Ngu;

/// <summary>
/// An NGU agent run read back from its directory: the recipe's config with the environment's spec, the agent config and
/// the learner at the run's latest checkpoint (on the CPU). Refuses directories that are not NGU agent runs or have
/// no checkpoint, naming the directory.
/// </summary>
public sealed class TrainedRun : IDisposable
{
    TrainedRun(NguConfig config, NguAgentConfig agent, NguLearnerState learner, ActorStatistics? statistics) =>
        (Config, Agent, Learner, Statistics) = (config, agent, learner, statistics);

    public NguConfig Config { get; }
    public NguAgentConfig Agent { get; }
    public NguLearnerState Learner { get; }
    /// <summary>The actors' life-long reward statistics at the checkpoint (null when it has none).</summary>
    public ActorStatistics? Statistics { get; }

    public static TrainedRun Open(string runDirectory)
    {
        var directory = RunDirectory.Open(runDirectory);
        var (recipeName, runSeed, runSteps, assignments, _) = directory.ReadRecord();
        var recipe = RecipeRegistry.Find(recipeName) ?? throw new ArgumentException($"{runDirectory} was written by an unknown recipe '{recipeName}'");
        var prepared = recipe.Prepare(assignments, runSeed, runSteps).IfFail(e => throw new ArgumentException(string.Join("; ", e.Select(x => x.Message))));
        if (prepared.Config is not NguConfig algorithm || prepared.Data is not NguAgentConfig agent)
            throw new ArgumentException($"{runDirectory} is a {recipeName} run, not an NGU agent run");
        var config = NguAgent.WithEnvironmentSpec(algorithm, agent) with { Device = "cpu" };
        var checkpoint = directory.CheckpointStore(3).Latest() ?? throw new ArgumentException($"{runDirectory} has no checkpoint");
        ActorStatistics? statistics = null;
        var learner = NguLearner.Load(config, checkpoint.Payload, CPU, archive => statistics = ActorStatistics.TryRead(archive, agent.Copies));
        return new TrainedRun(config, agent, learner, statistics);
    }

    public void Dispose() => Learner.Dispose();
}
