using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// Settings of the saddle-free Newton optimizer (seq.md 3.2-3.4). The step is -f(H) g with f chosen by
/// <see cref="Solver"/> and <see cref="Curvature"/>:
/// <list type="bullet">
/// <item><c>krylov</c> (Dauphin et al. 2014, Algorithm 1): k Lanczos vectors of H from the normalised gradient,
/// eigendecomposition of the k x k tridiagonal T, step -V (|T| + mu I)^-1 V^T g.</item>
/// <item><c>lanczos-h2</c> (the Hessian-free form, a reconstruction of Arjovsky 2015, seq.md 3.4):
/// -(H^2 + mu^2 I)^-1/2 g by Lanczos on H^2 (two Hessian-vector products per vector), no |.| of a low-rank
/// projection of H. mu is squared so that it is a curvature, comparable with the other solvers' damping.</item>
/// <item><c>exact</c>: the full Hessian from n products and its eigendecomposition; for at most
/// <see cref="MaxExactParameters"/> parameters, the reference in tests.</item>
/// </list>
/// <c>signed</c> curvature gives damped Newton, -(H + mu I)^-1 g, the saddle-attracted baseline.
/// </summary>
public sealed record SaddleFreeConfig : IConfig<SaddleFreeConfig>
{
    /// <summary>The exact solver builds and eigendecomposes an n x n matrix: above this it is refused.</summary>
    public const long MaxExactParameters = 4096;

    public static readonly string[] Solvers = ["krylov", "lanczos-h2", "exact"];
    public static readonly string[] DampingRules = ["line-search", "levenberg-marquardt", "fixed"];

    [Param("curvature model: krylov (Dauphin's approximate SFN), lanczos-h2 (Hessian-free -(H^2 + mu^2)^-1/2 g), exact (full Hessian)",
        OneOf = ["krylov", "lanczos-h2", "exact"])]
    public string Solver { get; init; } = "krylov";

    [Param("absolute: saddle-free Newton, |H|; signed: damped Newton, H (moves toward saddles)", OneOf = ["absolute", "signed"])]
    public string Curvature { get; init; } = "absolute";

    [Param("Lanczos vectors k (Hessian-vector products per step; twice that for lanczos-h2); at most the parameter count", Min = 2, Max = 100000)]
    public int KrylovDimension { get; init; } = 20;

    [Param("initial damping mu added to the curvature's eigenvalues (> 0)", Min = 0, Max = 1e6)]
    public double Damping { get; init; } = 1e-2;

    [Param("damping choice: line-search (Dauphin: try mu x 10^-2..10^2, keep the lowest loss), levenberg-marquardt (seq.md 3.3), fixed",
        OneOf = ["line-search", "levenberg-marquardt", "fixed"])]
    public string DampingRule { get; init; } = "line-search";

    [Param("smallest damping the rules may choose", Min = 0, Max = 1e6)]
    public double MinDamping { get; init; } = 1e-5;

    [Param("largest damping the rules may choose", Min = 0, Max = 1e9)]
    public double MaxDamping { get; init; } = 1e3;

    [Param("steps per curvature model (Dauphin's inner loop m: each more costs one gradient, no product)", Min = 1, Max = 100)]
    public int InnerSteps { get; init; } = 1;

    [Param("full re-orthogonalisation of the Lanczos vectors (off: Dauphin's plain three-term recurrence)")]
    public bool Reorthogonalize { get; init; } = true;

    /// <summary>Rules beyond single-field ranges.</summary>
    IEnumerable<(bool Holds, string Message)> SaddleFreeRules() =>
    [
        (Damping > 0, $"damping = {Damping:G} must be > 0"),
        (MinDamping > 0, $"min-damping = {MinDamping:G} must be > 0"),
        (MinDamping <= Damping && Damping <= MaxDamping,
            $"damping = {Damping:G} must lie in [min-damping, max-damping] = [{MinDamping:G}, {MaxDamping:G}]"),
        (!(Curvature == "signed" && Solver == "lanczos-h2"),
            "curvature = signed cannot use solver = lanczos-h2: H^2 has lost the signs of the eigenvalues (use krylov or exact)"),
    ];

    /// <summary>Rules that need the model's size: the Krylov dimension and the exact solver's limit.</summary>
    public IEnumerable<(bool Holds, string Message)> RulesFor(long parameterCount) =>
    [
        (Solver == "exact" || KrylovDimension <= parameterCount,
            $"krylov-dimension = {KrylovDimension} exceeds the {parameterCount} parameters (Lanczos finds at most n orthogonal vectors)"),
        (Solver != "exact" || parameterCount <= MaxExactParameters,
            $"solver = exact needs at most {MaxExactParameters} parameters, the model has {parameterCount} (use krylov or lanczos-h2)"),
    ];

    public Validation<Error, SaddleFreeConfig> Validate() => ConfigRules.Check(this, [.. SaddleFreeRules()]);

    /// <summary>Validation against a model of <paramref name="parameterCount"/> parameters.</summary>
    public Validation<Error, SaddleFreeConfig> ValidateFor(long parameterCount) =>
        ConfigRules.Check(this, [.. SaddleFreeRules(), .. RulesFor(parameterCount)]);
}
