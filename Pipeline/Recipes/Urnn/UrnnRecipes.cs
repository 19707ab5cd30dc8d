using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Urnn;
using Pipeline.Environments.Data;
using Pipeline.Environments.Data.Sequences;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using TorchSharp;

namespace Pipeline.Recipes.Urnn;

/// <summary>The copying-memory task's length and evaluation set.</summary>
public sealed record CopyDataConfig : IConfig<CopyDataConfig>
{
    [Param("delay T: the symbols must be recalled T + 10 steps later (paper: 100, 200, 300, 500)", Min = 1, Max = 100000)]
    public int Delay { get; init; } = 100;

    [Param("held-out sequences evaluated at every evaluation", Min = 1, Max = 100000)]
    public int EvalSequences { get; init; } = 200;

    public Validation<Error, CopyDataConfig> Validate() => ConfigRules.Check(this);
}

/// <summary>uRNN and its baselines on the copying-memory task (uRNN section 5.1).</summary>
public static class UrnnRecipes
{
    public static IRecipe CopyMemory() => new Recipe<SequenceLearnerConfig, CopyDataConfig>(
        "urnn-copy",
        "uRNN (or --set model=lstm|tanh) on the copying-memory task; loss against the memoryless baseline 10 ln 8 / (T + 20)",
        "Arjovsky, Shah, Bengio 2016, Unitary Evolution Recurrent Neural Networks, section 5.1",
        new SequenceLearnerConfig(), new CopyDataConfig(), 1000, Build);

    static Flow<RunEvent> Build(SequenceLearnerConfig config, CopyDataConfig data, RunPlan plan)
    {
        var device = Devices.Resolve(config.Device);
        var baseline = Environments.Data.Sequences.CopyMemory.Baseline(data.Delay);
        var (evalInputs, evalTargets) = Environments.Data.Sequences.CopyMemory.Batch(data.EvalSequences, data.Delay,
            plan.Own(new torch.Generator(SeedMix.Mix(plan.Seed, 0, stream: 40))));
        var held = plan.Own(new SequenceBatch(evalInputs.to(device), evalTargets.to(device)));
        evalInputs.Dispose();
        evalTargets.Dispose();

        IEnumerable<SequenceBatch> Batches()
        {
            for (var step = plan.StartStep + 1; step <= plan.LastStep; step++)
            {
                using var generator = new torch.Generator(SeedMix.Mix(plan.Seed, step, stream: 41));
                var (inputs, targets) = Environments.Data.Sequences.CopyMemory.Batch(config.BatchSize, data.Delay, generator);
                var batch = new SequenceBatch(inputs.to(device), targets.to(device));
                // .to() returns a new handle (sharing storage on the same device), so the originals can go.
                inputs.Dispose();
                targets.Dispose();
                yield return batch;
            }
        }

        var trainer = AlgorithmTraining.Stage<SequenceLearner, SequenceLearnerConfig, SequenceLearnerState, SequenceBatch>(config.Model, config, plan, device)
            .Every(1, (state, step) =>
            {
                if (step % plan.Settings.EvalEvery != 0 && step != plan.LastStep) return null;
                var metrics = SequenceLearner.Evaluate(state, held);
                return new MetricsEvent(step, "eval", Metrics.Of(
                    ("loss", metrics["loss"]), ("accuracy", metrics["accuracy"]), ("baseline", baseline), ("loss_over_baseline", metrics["loss"] / baseline)));
            });
        return Graph.From(Source.From("copy-memory", Batches)).Via(trainer.ToStage().Async(capacity: plan.Settings.Prefetch));
    }
}
