using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;

namespace Pipeline.Examples;

/// <summary>
/// A user-written stage: passes every event on and adds, for every training step, an exponential moving
/// average of the loss as phase "smoothed". State lives in the processor, which the runtime makes fresh per run.
/// </summary>
public sealed class SmoothedLoss(double decay) : Processor<RunEvent, RunEvent>
{
    double? average;

    public static Stage<RunEvent, RunEvent> Stage(double decay = 0.9) =>
        Pipeline.Stages.Graph.Stage.Of("smoothed-loss", () => new SmoothedLoss(decay));

    public override void Process(RunEvent input, Action<RunEvent> emit)
    {
        emit(input);
        if (input is not MetricsEvent { Phase: "train" } m) return;
        var loss = m.Values.First(v => v.Key == "loss").Value;
        average = average is { } a ? decay * a + (1 - decay) * loss : loss;
        emit(new MetricsEvent(m.Step, "smoothed", [KeyValuePair.Create("loss", average.Value)]));
    }
}
