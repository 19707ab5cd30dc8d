namespace Pipeline.Environments.Data;

/// <summary>
/// One of the eight settings of the synthetic experiments (IRM paper section 5.1, Figure 3; irm_ngu.md 1.8), with
/// the reference code's flags. <see cref="Hetero"/> is the code's flag: the noise of Y has standard deviation e
/// and that of Z2 has 1 (plot.py and the paper's Figure 3 call this "E"; the paper's text defines the letters the
/// other way round, see irm_ngu.md 1.8).
/// </summary>
/// <param name="Hidden">partially observed: hidden confounders H enter X, Y and Z2 through random weights ("P"; else "F").</param>
/// <param name="Scramble">the inputs are [Z1, Z2] times a random orthogonal matrix ("S"; else "U").</param>
/// <param name="Ones">the causal weights W_{1→y} and W_{y→2} are the identity (the code's default); else Gaussian / dim.</param>
public sealed record LinearSemSetup(bool Hidden, bool Hetero, bool Scramble, bool Ones = true)
{
    /// <summary>Figure 3's three letters, as plot.py writes them: F/P, E/O, S/U.</summary>
    public string Letters => $"{(Hidden ? 'P' : 'F')}{(Hetero ? 'E' : 'O')}{(Scramble ? 'S' : 'U')}";

    /// <summary>The eight settings in the order of the stored results (hidden, hetero, scramble as binary digits).</summary>
    public static IReadOnlyList<LinearSemSetup> All { get; } =
        Enumerable.Range(0, 8).Select(i => new LinearSemSetup((i & 4) != 0, (i & 2) != 0, (i & 1) != 0)).ToList();
}
