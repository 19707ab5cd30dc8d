namespace Pipeline.Environments.Data;

/// <summary>An IDX file that is not what its header or the caller promises (wrong magic, truncated, wrong counts).</summary>
public sealed class IdxFormatException(string path, string problem)
    : Exception($"{path}: {problem}. The file is damaged or not an MNIST IDX file: delete it and run `pipeline data fetch mnist`.")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
