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

/// <summary>The adding problem's length and evaluation set.</summary>
public sealed record AddingDataConfig : IConfig<AddingDataConfig>
{
    [Param("sequence length T (paper: 100, 200, 400, 750)", Min = 2, Max = 100000)]
    public int Length { get; init; } = 100;

    [Param("held-out sequences evaluated at every evaluation", Min = 1, Max = 100000)]
    public int EvalSequences { get; init; } = 500;

    public Validation<Error, AddingDataConfig> Validate() => ConfigRules.Check(this);
}

/// <summary>uRNN and its baselines on the copying-memory task, the adding problem and pixel MNIST (uRNN section 5).</summary>
public static partial class UrnnRecipes
{
    public static IRecipe Adding() => new Recipe<SequenceLearnerConfig, AddingDataConfig>(
        "urnn-adding",
        "uRNN (or --set model=urnn-full|lstm|tanh|irnn) on the adding problem; MSE against the baseline 1/6",
        "Arjovsky, Shah, Bengio 2016, Unitary Evolution Recurrent Neural Networks, section 5.2",
        new SequenceLearnerConfig { Inputs = 2, Outputs = 1, Hidden = 512 }, new AddingDataConfig(), 2000,
        (config, data, plan) => Generated(config, plan, AddingProblem.Baseline, data.EvalSequences,
            (count, generator) => AddingProblem.Batch(count, data.Length, generator)));

    public static IRecipe CopyMemory() => new Recipe<SequenceLearnerConfig, CopyDataConfig>(
        "urnn-copy",
        "uRNN (or --set model=urnn-full|lstm|tanh|irnn) on the copying-memory task; loss against the memoryless baseline 10 ln 8 / (T + 20)",
        "Arjovsky, Shah, Bengio 2016, Unitary Evolution Recurrent Neural Networks, section 5.1",
        new SequenceLearnerConfig(), new CopyDataConfig(), 1000, Build);

    static Flow<RunEvent> Build(SequenceLearnerConfig config, CopyDataConfig data, RunPlan plan) =>
        Generated(config, plan, Environments.Data.Sequences.CopyMemory.Baseline(data.Delay), data.EvalSequences,
            (count, generator) => Environments.Data.Sequences.CopyMemory.Batch(count, data.Delay, generator));

    /// <summary>A generated task: the held-out set from stream 40 of the seed, training batch s from (seed, s) on stream 41.</summary>
    static Flow<RunEvent> Generated(SequenceLearnerConfig config, RunPlan plan, double baseline, int evalSequences,
        Func<int, torch.Generator, (torch.Tensor Inputs, torch.Tensor Targets)> batches)
    {
        var device = Devices.Resolve(config.Device);
        var (evalInputs, evalTargets) = batches(evalSequences, plan.Own(new torch.Generator(SeedMix.Mix(plan.Seed, 0, stream: 40))));
        var held = plan.Own(OnDevice(evalInputs, evalTargets, device));
        return Train(config, plan, baseline, held, "generated-sequences", step =>
        {
            using var generator = new torch.Generator(SeedMix.Mix(plan.Seed, step, stream: 41));
            var (inputs, targets) = batches(config.BatchSize, generator);
            return OnDevice(inputs, targets, device);
        });
    }

    /// <summary>Moves a batch to the device; .to() returns a new handle (sharing storage on the same device), so the originals go.</summary>
    internal static SequenceBatch OnDevice(torch.Tensor inputs, torch.Tensor targets, torch.Device device)
    {
        var batch = new SequenceBatch(inputs.to(device), targets.to(device));
        inputs.Dispose();
        targets.Dispose();
        return batch;
    }

    /// <summary>
    /// Trains on <paramref name="batchAt"/>(s) for every planned step s (a function of the step alone, so resume is
    /// exact) and evaluates on <paramref name="held"/> on the cadence and at the planned last step.
    /// </summary>
    internal static Flow<RunEvent> Train(SequenceLearnerConfig config, RunPlan plan, double baseline, SequenceBatch held, string source,
        Func<long, SequenceBatch> batchAt)
    {
        var device = Devices.Resolve(config.Device);
        IEnumerable<SequenceBatch> Batches()
        {
            for (var step = plan.StartStep + 1; step <= plan.LastStep; step++) yield return batchAt(step);
        }

        var trainer = AlgorithmTraining.Stage<SequenceLearner, SequenceLearnerConfig, SequenceLearnerState, SequenceBatch>(config.Model, config, plan, device)
            .Every(1, (state, step) =>
            {
                if (step % plan.Settings.EvalEvery != 0 && step != plan.LastStep) return null;
                var metrics = SequenceLearner.Evaluate(state, held);
                return new MetricsEvent(step, "eval", Metrics.Of(
                    ("loss", metrics["loss"]), ("accuracy", metrics["accuracy"]), ("baseline", baseline), ("loss_over_baseline", metrics["loss"] / baseline)));
            });
        return Graph.From(Source.From(source, Batches)).Via(trainer.ToStage().Async(capacity: plan.Settings.Prefetch));
    }
}
