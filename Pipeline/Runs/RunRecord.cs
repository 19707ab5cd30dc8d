namespace Pipeline.Runs;

/// <summary>config.json: what was asked for, enough to resume the run or repeat it.</summary>
public sealed record RunRecord(
    string Recipe,
    int Seed,
    long Steps,
    IReadOnlyList<string> Assignments,
    string ConfigHash,
    object Config,
    object Data,
    RunSettings Settings,
    string Command);
