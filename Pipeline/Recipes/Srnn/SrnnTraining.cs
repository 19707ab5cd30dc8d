using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using Pipeline.Algorithms.Srnn;
using Pipeline.Environments.Data;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using TorchSharp;

namespace Pipeline.Recipes.Srnn;

/// <summary>The SRNN recipes' common graph: shuffled minibatches of training trajectories into the SRNN training stage, evaluated every eval-every steps.</summary>
static class SrnnTraining
{
    /// <param name="train">training trajectories, [states, trajectories, 2 x dimension], on <paramref name="device"/>.</param>
    /// <param name="evaluate">the eval phase's metrics of a state.</param>
    public static Flow<RunEvent> Flow(SymplecticRnnConfig config, RunPlan plan, torch.Device device, torch.Tensor train, int batchSize,
        Func<ModelState<SymplecticRnnConfig, torch.nn.Module>, Metrics> evaluate)
    {
        // An epoch, for the plateau schedule, is one pass over the training windows.
        if (config.EpochSteps == 0) config = config with { EpochSteps = Math.Max(1, train.shape[1] / batchSize) };
        // Training-time ISO keeps one fitted z0 per training window.
        if (config.IsoWindows == 0 && config.Iso == "train-and-test") config = config with { IsoWindows = train.shape[1] };
        var shuffler = plan.Own(new EpochShuffler(train.shape[1], batchSize, plan.Seed));

        IEnumerable<TrajectoryBatch> Batches()
        {
            for (var step = plan.StartStep + 1; step <= plan.LastStep; step++)
            {
                var rows = shuffler.Rows(step - 1).to(device);
                // The per-epoch ISO refit fits every window after the epoch's last step, so that batch carries them all.
                var closesEpoch = config.IsoRefit == "per-epoch" && step % config.EpochSteps == 0;
                yield return new TrajectoryBatch(train.index_select(1, rows), rows, closesEpoch ? train : null);
            }
        }

        var trainer = AlgorithmTraining.Stage<SymplecticRnn, SymplecticRnnConfig, ModelState<SymplecticRnnConfig, torch.nn.Module>, TrajectoryBatch>("srnn", config, plan, device)
            .Every(1, (state, step) => step % plan.Settings.EvalEvery == 0 || step == plan.LastStep
                ? new MetricsEvent(step, "eval", evaluate(state))
                : null);
        return Graph.From(Source.From("trajectories", Batches)).Via(trainer.ToStage().Async(capacity: plan.Settings.Prefetch));
    }
}
