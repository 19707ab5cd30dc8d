namespace Pipeline.Algorithms.Core;

/// <summary>
/// Documents a config field and its valid values. <see cref="ConfigRules"/> checks the ranges,
/// <see cref="ConfigBinder"/> lists them in errors and in <c>pipeline list</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ParamAttribute(string description) : Attribute
{
    public string Description { get; } = description;
    public double Min { get; init; } = double.NegativeInfinity;
    public double Max { get; init; } = double.PositiveInfinity;
    /// <summary>The allowed values of a string field (none: any).</summary>
    public string[]? OneOf { get; init; }

    public string Range() =>
        OneOf is { Length: > 0 } ? $"one of {string.Join(", ", OneOf)}"
        : (double.IsNegativeInfinity(Min), double.IsPositiveInfinity(Max)) switch
        {
            (true, true) => "any",
            (false, true) => $">= {Min:G}",
            (true, false) => $"<= {Max:G}",
            _ => $"[{Min:G}, {Max:G}]",
        };
}
