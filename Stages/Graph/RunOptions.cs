namespace Pipeline.Stages.Graph;

/// <summary>How a graph is materialized.</summary>
/// <param name="DefaultCapacity">the bound of every block that does not name its own (back-pressure).</param>
public sealed record RunOptions(int DefaultCapacity = 8)
{
    public static RunOptions Default { get; } = new();
}
