namespace Pipeline.Reproductions.Srnn;

/// <summary>The SRNN paper's Tables 1-3 (test error, mean +- std over 32 test trajectories; seq.md 2.5), keyed by row name.</summary>
public static class SrnnPaperNumbers
{
    /// <summary>Table 1: noisy spring chain, no ISO.</summary>
    public static IReadOnlyDictionary<string, string> ChainTable1 { get; } = new Dictionary<string, string>
    {
        ["single-step O-NET E-E"] = "6.93±1.22", ["single-step O-NET E-L"] = "5.87±1.04", ["single-step O-NET L-L"] = "7.28±1.48",
        ["single-step H-NET E-E"] = "7.24±0.64", ["single-step H-NET E-L"] = "3.32±0.89", ["single-step H-NET L-L"] = "3.36±0.67",
        ["recurrent O-NET E-E"] = "2.88±0.45", ["recurrent O-NET E-L"] = "4.12±0.41", ["recurrent O-NET L-L"] = "3.34±0.86",
        ["recurrent H-NET E-E"] = "7.58±0.63", ["recurrent H-NET E-L"] = "5.26±0.63", ["recurrent H-NET L-L"] = "2.37±0.87 (SRNN)",
        ["RNN"] = "4.80±0.82", ["LSTM"] = "5.95±1.05", [SrnnTables.PaperRnnRow] = "4.80±0.82", [SrnnTables.PaperLstmRow] = "5.95±1.05",
    };

    /// <summary>Table 2: spring chain with ISO (recurrent training).</summary>
    public static IReadOnlyDictionary<string, string> ChainTable2 { get; } = new Dictionary<string, string>
    {
        ["recurrent O-NET E-E"] = "2.13±0.37", ["recurrent O-NET E-L"] = "3.59±0.50", ["recurrent O-NET L-L"] = "2.27±0.60",
        ["recurrent H-NET E-E"] = "6.26±0.60", ["recurrent H-NET E-L"] = "3.00±0.63", ["recurrent H-NET L-L"] = "1.45±0.32 (SRNN-ISO)",
        ["RNN"] = "4.72±0.94", ["LSTM"] = "5.81±0.98", [SrnnTables.PaperRnnRow] = "4.72±0.94", [SrnnTables.PaperLstmRow] = "5.81±0.98",
    };

    /// <summary>Table 3: three-body, dt = 1, noiseless.</summary>
    public static IReadOnlyDictionary<string, string> ThreeBodyTable3 { get; } = new Dictionary<string, string>
    {
        ["single-step O-NET E-E"] = "0.65±0.16", ["single-step O-NET E-L"] = "1.36±0.18", ["single-step O-NET L-L"] = "1.33±0.20",
        ["single-step H-NET E-E"] = "1.64±0.25", ["single-step H-NET E-L"] = "0.88±0.33", ["single-step H-NET L-L"] = "0.35±0.09",
        ["recurrent O-NET E-E"] = "0.51±0.11", ["recurrent O-NET E-L"] = "1.27±0.18", ["recurrent O-NET L-L"] = "0.49±0.10",
        ["recurrent H-NET E-E"] = "0.79±0.17", ["recurrent H-NET E-L"] = "1.76±0.62", ["recurrent H-NET L-L"] = "0.26±0.07 (SRNN)",
        ["true equations, leapfrog dt = 1"] = "0.47±0.18",
    };
}
