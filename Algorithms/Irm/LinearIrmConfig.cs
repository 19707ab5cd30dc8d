using System.Globalization;
using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Irm;

/// <summary>
/// The synthetic experiments (IRM paper section 5.1, Figure 3) with the reference code's settings (irm_ngu.md 1.8):
/// one of the eight linear SEM settings, three environments of 1,000 samples with noise scales 0.2, 2 and 5, IRM
/// trained on the first two for each regularizer and selected on the third, ERM by least squares on all three,
/// 10 repetitions (trained side by side as one batch of independent problems).
/// </summary>
public sealed record LinearIrmConfig : IConfig<LinearIrmConfig>
{
    [Param("hidden confounders: partially observed, 'P' (1.8)")]
    public bool Hidden { get; init; }

    [Param("the reference's hetero flag: Y noise std e, Z2 noise std 1 ('E' in Figure 3) (1.8)")]
    public bool Hetero { get; init; }

    [Param("inputs multiplied by a random orthogonal matrix, 'S' (1.8)")]
    public bool Scramble { get; init; }

    [Param("causal weights are the identity (the reference's default --setup_ones 1), else Gaussian / dim (1.8)")]
    public bool Ones { get; init; } = true;

    [Param("inputs: Z1 and Z2 with dim / 2 coordinates each (1.8: 10)", Min = 2, Max = 1000)]
    public int Dim { get; init; } = 10;

    [Param("samples per environment (1.8: n_samples 1000)", Min = 2, Max = 10_000_000)]
    public int Samples { get; init; } = 1000;

    [Param("noise scale e of the first training environment (1.8: 0.2)", Min = 1e-6, Max = 1e6)]
    public double FirstEnvironment { get; init; } = 0.2;

    [Param("noise scale e of the second training environment (1.8: 2)", Min = 1e-6, Max = 1e6)]
    public double SecondEnvironment { get; init; } = 2.0;

    [Param("noise scale e of the third environment: IRM selects its regularizer on it, ERM pools it (1.8: 5)", Min = 1e-6, Max = 1e6)]
    public double ValidationEnvironment { get; init; } = 5.0;

    [Param("repetitions, each a new SEM and new samples (1.8: n_reps 10)", Min = 1, Max = 1000)]
    public int Reps { get; init; } = 10;

    [Param("error weights tried, comma-separated; objective = reg · Σ_e error + (1 − reg) · Σ_e penalty (1.8)")]
    public string Regs { get; init; } = "0,1e-5,1e-4,1e-3,1e-2,1e-1";

    [Param("Adam learning rate (1.8)", Min = 1e-7, Max = 1)]
    public double LearningRate { get; init; } = 1e-3;

    [Param("tensor device (cpu by default: the problems are 10 x 10 matrices)", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "cpu";

    /// <summary>The parsed <see cref="Regs"/> (empty when it does not parse; <see cref="Validate"/> says why).</summary>
    public IReadOnlyList<double> RegValues =>
        Regs.Split(',', StringSplitOptions.TrimEntries).Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToList();

    public Validation<Error, LinearIrmConfig> Validate() => ConfigRules.Check(this,
        (Dim % 2 == 0, $"dim = {Dim} must be even: Z1 and Z2 have dim / 2 coordinates each"),
        (RegValues.Count > 0 && RegValues.All(r => r >= 0 && r <= 1),
            $"regs = '{Regs}' must be comma-separated numbers in [0, 1]"));
}
