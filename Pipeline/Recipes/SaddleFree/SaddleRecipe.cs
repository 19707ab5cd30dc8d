using Pipeline.Algorithms.SaddleFree.Saddles;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using static TorchSharp.torch;

namespace Pipeline.Recipes.SaddleFree;

/// <summary>
/// <c>saddle-toy</c>: one optimizer (gd, msgd, adam, sfn, newton; exact, krylov or lanczos-h2) on one saddle problem,
/// one step per batch. Every step logs the optimizer's metrics and the trajectory (objective, distance to the saddle,
/// exact lambda_min, and x, y on the 2-D problems).
/// </summary>
public static class SaddleRecipe
{
    public const string Paper = "Dauphin et al. 2014 (saddle-free Newton), sections 4-6; Arjovsky 2015 (saddle-free Hessian-free)";

    public static Recipe<SaddleDescentConfig, NoData> Create() => new(
        "saddle-toy",
        "gradient descent, damped Newton and saddle-free Newton (exact, Krylov, Hessian-free) started near a saddle",
        Paper,
        new SaddleDescentConfig(),
        new NoData(),
        defaultSteps: 30,
        Build);

    static Flow<RunEvent> Build(SaddleDescentConfig config, NoData data, RunPlan plan)
    {
        var trainer = AlgorithmTraining.Stage<SaddleDescent, SaddleDescentConfig, SaddleDescentState, long>("saddle-descent", config, plan, CPU);
        return Graph.From(Source.Range("steps", plan.StartStep + 1, plan.LastStep - plan.StartStep)).Via(trainer.ToStage());
    }
}
