using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// Chooses the damping of one step and accepts or reverts it (seq.md 3.3). A trial whose loss is NaN or infinite, or
/// higher than the current loss, is never kept: the parameters go back to the exact values they had.
/// <list type="bullet">
/// <item><c>line-search</c> (Dauphin et al., Algorithm 1 step 4): the candidates mu x {0.01, 0.1, 1, 10, 100} are each
/// tried (one forward pass each) and the lowest loss wins; if none improves, mu jumps to 10x the largest candidate.</item>
/// <item><c>levenberg-marquardt</c> (dave-fernandes/SaddleFreeOptimizer, with the predicted decrease taken of the
/// step, not of the parameters): one trial; rho = actual / predicted decrease; rho &gt; 0.3 gives mu / 10; a rejected
/// step gives 10 mu.</item>
/// <item><c>fixed</c>: one trial at mu; mu never changes.</item>
/// </list>
/// Every choice is clamped to [min-damping, max-damping].
/// </summary>
public static class DampingSearch
{
    static readonly double[] LineSearchFactors = [1e-2, 1e-1, 1, 1e1, 1e2];

    /// <summary>What one damped step did.</summary>
    /// <param name="Point">the parameters now in place (the trial's if accepted, else the unchanged start).</param>
    /// <param name="Damping">the damping of the kept (or, if rejected, the last tried) trial.</param>
    /// <param name="Rho">actual over predicted decrease of that trial; 0 where undefined.</param>
    public sealed record Outcome(bool Accepted, Tensor Point, double Loss, double Damping, double NextDamping, double Rho, int NonFinite, int Evaluations);

    public static Outcome Step(SaddleFreeConfig config, double damping, CurvatureModel model, Tensor gradient, Tensor point, double loss,
        IReadOnlyList<Tensor> parameters, Func<Tensor> lossFunction)
    {
        double Clamp(double mu) => Math.Clamp(mu, config.MinDamping, config.MaxDamping);
        var candidates = config.DampingRule == "line-search"
            ? LineSearchFactors.Select(f => Clamp(damping * f)).Distinct().ToArray()
            : [damping];
        (Tensor Point, double Loss, double Damping, double Predicted)? best = null;
        var (nonFinite, lastTried) = (0, damping);
        foreach (var mu in candidates)
        {
            var (step, predicted) = model.Step(gradient, mu);
            var trial = point.add(step);
            ParameterVector.Assign(parameters, trial);
            var value = Evaluate(lossFunction);
            lastTried = mu;
            if (!double.IsFinite(value)) nonFinite++;
            else if (best is null || value < best.Value.Loss) best = (trial, value, mu, predicted);
        }
        var accepted = best is { } b && b.Loss <= loss;
        var rho = best is { } c && c.Predicted < 0 ? (loss - c.Loss) / -c.Predicted : 0;
        var next = config.DampingRule switch
        {
            "line-search" => accepted ? best!.Value.Damping : Clamp(candidates.Max() * 10),
            "levenberg-marquardt" => !accepted ? Clamp(damping * 10) : rho > 0.3 ? Clamp(damping / 10) : damping,
            _ => damping,
        };
        var kept = accepted ? best!.Value.Point : point;
        ParameterVector.Assign(parameters, kept);
        return new Outcome(accepted, kept, accepted ? best!.Value.Loss : loss, best?.Damping ?? lastTried, next, rho, nonFinite, candidates.Length);
    }

    /// <summary>f at the parameters now in place, forward only, in float64.</summary>
    static double Evaluate(Func<Tensor> lossFunction)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return lossFunction().to_type(ScalarType.Float64).item<double>();
    }
}
