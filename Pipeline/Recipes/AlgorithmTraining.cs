using Pipeline.Algorithms.Core;
using Pipeline.Stages.Training;
using TorchSharp;

namespace Pipeline.Recipes;

/// <summary>Plugs any <see cref="IAlgorithm{TConfig,TState,TBatch}"/> into a training stage, fresh or resumed.</summary>
public static class AlgorithmTraining
{
    /// <summary>A training stage that starts from <paramref name="plan"/>'s checkpoint if it has one, and writes checkpoints at the run's cadence.</summary>
    public static TrainStage<TBatch, TState> Stage<TAlgorithm, TConfig, TState, TBatch>(
        string name, TConfig config, RunPlan plan, torch.Device device)
        where TAlgorithm : IAlgorithm<TConfig, TState, TBatch>
        where TState : IDisposable =>
        Train.Stage<TBatch, TState>(
                name,
                () => plan.Resume is { } payload
                    ? new TrainStart<TState>(TAlgorithm.Load(config, payload, device), plan.StartStep)
                    : new TrainStart<TState>(TAlgorithm.Init(config, plan.Seed, device), 0),
                (state, batch) => TAlgorithm.Update(state, batch))
            .Every(plan.Settings.CheckpointEvery, (state, step) => new CheckpointEvent(step, TAlgorithm.Save(state)), atEnd: true);
}
