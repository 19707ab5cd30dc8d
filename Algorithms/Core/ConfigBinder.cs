using System.Globalization;
using System.Reflection;
using System.Text;
using LanguageExt;
using LanguageExt.Common;
using static LanguageExt.Prelude;

namespace Pipeline.Algorithms.Core;

/// <summary>
/// Applies <c>key=value</c> assignments (the command line's <c>--set</c>) to an immutable config record and
/// validates the result. Keys are the field names in kebab case (<c>learning-rate</c>); <c>_</c> and case are
/// ignored. Errors list every valid key with its type, default and range.
/// </summary>
public static class ConfigBinder
{
    public static Validation<Error, T> Bind<T>(T defaults, IEnumerable<string> assignments) where T : IConfig<T>
    {
        var fields = ConfigRules.Fields(typeof(T)).ToDictionary(f => Normalize(f.Property.Name), f => f.Property);
        var clone = (T)typeof(T).GetMethod("<Clone>$")!.Invoke(defaults, null)!;
        var errors = new List<Error>();
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=');
            if (eq <= 0)
            {
                errors.Add(Error.New($"'{assignment}' is not key=value"));
                continue;
            }
            var (key, text) = (assignment[..eq].Trim(), assignment[(eq + 1)..].Trim());
            if (!fields.TryGetValue(Normalize(key), out var property))
            {
                errors.Add(Error.New($"unknown key '{key}'. Valid keys:\n{Describe(defaults)}"));
                continue;
            }
            if (!TryParse(text, property.PropertyType, out var value))
            {
                errors.Add(Error.New($"{KeyOf(property.Name)} = '{text}' is not a valid {TypeName(property.PropertyType)}"));
                continue;
            }
            property.SetValue(clone, value);
        }
        return errors.Count > 0 ? Fail<Error, T>(errors.ToSeq()) : clone.Validate();
    }

    /// <summary>One line per field: key, type, current value, valid range, description.</summary>
    public static string Describe<T>(T config) where T : notnull
    {
        var text = new StringBuilder();
        foreach (var (property, param) in ConfigRules.Fields(config.GetType()))
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {KeyOf(property.Name),-22} {TypeName(property.PropertyType),-7} = {Format(property.GetValue(config)),-10} {param.Range(),-22} {param.Description}");
        return text.ToString().TrimEnd();
    }

    public static string KeyOf(string propertyName)
    {
        var key = new StringBuilder();
        for (var i = 0; i < propertyName.Length; i++)
        {
            if (char.IsUpper(propertyName[i]) && i > 0 && !char.IsUpper(propertyName[i - 1])) key.Append('-');
            key.Append(char.ToLowerInvariant(propertyName[i]));
        }
        return key.ToString();
    }

    static string Normalize(string key) => key.Replace("-", "").Replace("_", "").ToLowerInvariant();

    /// <summary>The key of a <c>key=value</c> assignment, normalised for lookup.</summary>
    public static string NormalizedKey(string assignment)
    {
        var eq = assignment.IndexOf('=');
        return Normalize(eq < 0 ? assignment : assignment[..eq].Trim());
    }

    /// <summary>The normalised keys a config type accepts.</summary>
    public static IReadOnlySet<string> Keys<T>() =>
        ConfigRules.Fields(typeof(T)).Select(f => Normalize(f.Property.Name)).ToHashSet();

    static string Format(object? value) => value switch
    {
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        null => "",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    static string TypeName(Type t) => t == typeof(int) || t == typeof(long) ? "integer"
        : t == typeof(double) || t == typeof(float) ? "number"
        : t == typeof(bool) ? "bool"
        : t.IsEnum ? string.Join("|", Enum.GetNames(t))
        : "text";

    static bool TryParse(string text, Type type, out object? value)
    {
        var inv = CultureInfo.InvariantCulture;
        (bool ok, object? v) parsed = type switch
        {
            _ when type == typeof(int) => (int.TryParse(text, NumberStyles.Integer, inv, out var i), i),
            _ when type == typeof(long) => (long.TryParse(text, NumberStyles.Integer, inv, out var l), l),
            _ when type == typeof(double) => (double.TryParse(text, NumberStyles.Float, inv, out var d) && double.IsFinite(d), d),
            _ when type == typeof(bool) => (bool.TryParse(text, out var b), b),
            _ when type == typeof(string) => (true, text),
            _ when type.IsEnum => (Enum.TryParse(type, text, ignoreCase: true, out var e), e),
            _ => (false, null),
        };
        value = parsed.v;
        return parsed.ok;
    }
}
