using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// The optimizer fields of a model trained with a choice of first- and second-order methods: plain gradient descent,
/// SGD with momentum and Adam (Dauphin et al.'s baselines, and the usual ones), saddle-free Newton and damped Newton
/// with the <see cref="SaddleFreeConfig"/> settings. Extended by the configs of the saddle problems and the autoencoder.
/// </summary>
public abstract record TrainingOptimizerConfig
{
    public static readonly string[] Optimizers = ["gd", "msgd", "adam", "sfn", "newton"];

    [Param("optimizer: gd, msgd (SGD with momentum), adam, sfn (saddle-free Newton), newton (damped Newton)",
        OneOf = ["gd", "msgd", "adam", "sfn", "newton"])]
    public string Optimizer { get; init; } = "sfn";

    [Param("learning rate of gd, msgd and adam", Min = 1e-9, Max = 100)]
    public double LearningRate { get; init; } = 0.01;

    [Param("momentum of msgd", Min = 0, Max = 0.999999)]
    public double Momentum { get; init; } = 0.9;

    [Param("sfn/newton curvature model: krylov (Dauphin's approximate SFN), lanczos-h2 (Hessian-free -(H^2 + mu^2)^-1/2 g; sfn only), exact (full Hessian)",
        OneOf = ["krylov", "lanczos-h2", "exact"])]
    public string Solver { get; init; } = "krylov";

    [Param("sfn/newton Lanczos vectors k (Hessian-vector products per step; twice that for lanczos-h2); at most the parameter count", Min = 2, Max = 100000)]
    public int KrylovDimension { get; init; } = 20;

    [Param("sfn/newton initial damping mu (> 0)", Min = 0, Max = 1e6)]
    public double Damping { get; init; } = 1e-2;

    [Param("sfn/newton damping choice: line-search (Dauphin), levenberg-marquardt, fixed", OneOf = ["line-search", "levenberg-marquardt", "fixed"])]
    public string DampingRule { get; init; } = "line-search";

    [Param("sfn/newton smallest damping", Min = 0, Max = 1e6)]
    public double MinDamping { get; init; } = 1e-5;

    [Param("sfn/newton largest damping", Min = 0, Max = 1e9)]
    public double MaxDamping { get; init; } = 1e3;

    [Param("sfn/newton steps per curvature model (Dauphin's inner loop m)", Min = 1, Max = 100)]
    public int InnerSteps { get; init; } = 1;

    [Param("sfn/newton full re-orthogonalisation of the Lanczos vectors")]
    public bool Reorthogonalize { get; init; } = true;

    public bool SecondOrder => Optimizer is "sfn" or "newton";

    /// <summary>The saddle-free optimizer's settings; newton is the same optimizer with signed curvature.</summary>
    public SaddleFreeConfig ToSaddleFree() => new()
    {
        Solver = Solver,
        Curvature = Optimizer == "newton" ? "signed" : "absolute",
        KrylovDimension = KrylovDimension,
        Damping = Damping,
        DampingRule = DampingRule,
        MinDamping = MinDamping,
        MaxDamping = MaxDamping,
        InnerSteps = InnerSteps,
        Reorthogonalize = Reorthogonalize,
    };

    /// <summary>Cross-field rules for a model of <paramref name="parameterCount"/> parameters (second-order settings only when used).</summary>
    protected IEnumerable<(bool Holds, string Message)> OptimizerRules(long parameterCount) =>
        !SecondOrder ? []
        : ToSaddleFree().ValidateFor(parameterCount).Match(_ => [], errors => errors.Select(e => (false, $"optimizer = {Optimizer}: {e.Message}")));
}
