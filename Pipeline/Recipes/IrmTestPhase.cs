using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;

namespace Pipeline.Recipes;

/// <summary>
/// Moves the <c>test_*</c> metrics of a training step into a "test" phase event of the same step, so that the
/// plots and summaries show train and test side by side (acc, nll, penalty) as the reference prints them.
/// </summary>
public static class IrmTestPhase
{
    const string Prefix = "test_";

    public static Stage<RunEvent, RunEvent> Stage() => Pipeline.Stages.Graph.Stage.Of("test-phase", () => new Splitter());

    sealed class Splitter : Processor<RunEvent, RunEvent>
    {
        public override void Process(RunEvent input, Action<RunEvent> emit)
        {
            if (input is not MetricsEvent { Phase: "train" } m || !m.Values.Any(v => v.Key.StartsWith(Prefix, StringComparison.Ordinal)))
            {
                emit(input);
                return;
            }
            emit(m with { Values = m.Values.Where(v => !v.Key.StartsWith(Prefix, StringComparison.Ordinal)).ToList() });
            emit(new MetricsEvent(m.Step, "test", m.Values
                .Where(v => v.Key.StartsWith(Prefix, StringComparison.Ordinal))
                .Select(v => KeyValuePair.Create(v.Key[Prefix.Length..], v.Value)).ToList()));
        }
    }
}
