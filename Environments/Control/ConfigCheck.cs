using System.Globalization;

namespace Pipeline.Environments.Control;

/// <summary>
/// Range checks for the environment configs, worded like <c>ConfigRules</c> in Algorithms/Core ("key = value is
/// outside [min, max]"); Environments cannot reference Algorithms, so the ranges are stated here.
/// </summary>
public static class ConfigCheck
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the kebab-case key, the value and the range.</summary>
    public static void InRange(string property, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
            throw new ArgumentOutOfRangeException(property, value,
                $"{Key(property)} = {value.ToString("G", CultureInfo.InvariantCulture)} is outside [{min.ToString("G", CultureInfo.InvariantCulture)}, {max.ToString("G", CultureInfo.InvariantCulture)}]");
    }

    /// <summary>MaxSteps becomes max-steps, as <c>--set</c> keys are spelled.</summary>
    static string Key(string property) =>
        string.Concat(property.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
