using System.Reflection;
using LanguageExt;
using LanguageExt.Common;
using static LanguageExt.Prelude;

namespace Pipeline.Algorithms.Core;

/// <summary>A config record that can say, before any work starts, everything that is wrong with it.</summary>
public interface IConfig<TSelf> where TSelf : IConfig<TSelf>
{
    Validation<Error, TSelf> Validate();
}

/// <summary>Checks the <see cref="ParamAttribute"/> ranges of a config and any extra rules, collecting every failure.</summary>
public static class ConfigRules
{
    /// <param name="extra">rules beyond single-field ranges: (holds, message when it does not).</param>
    public static Validation<Error, T> Check<T>(T config, params (bool Holds, string Message)[] extra) where T : notnull
    {
        var errors = Fields(typeof(T))
            .Select(f => RangeError(f.Property.Name, f.Param, f.Property.GetValue(config)))
            .Concat(extra.Where(r => !r.Holds).Select(r => r.Message))
            .OfType<string>()
            .Select(Error.New)
            .ToSeq();
        return errors.IsEmpty ? Success<Error, T>(config) : Fail<Error, T>(errors);
    }

    internal static IEnumerable<(PropertyInfo Property, ParamAttribute Param)> Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, param: p.GetCustomAttribute<ParamAttribute>()))
            .Where(x => x.param is not null)
            .Select(x => (x.p, x.param!));

    static string? RangeError(string name, ParamAttribute param, object? value)
    {
        var key = ConfigBinder.KeyOf(name);
        switch (value)
        {
            case string s when param.OneOf is { Length: > 0 } && !param.OneOf.Contains(s):
                return $"{key} = '{s}' is not {param.Range()}";
            case IConvertible c and not string and not bool:
                var x = c.ToDouble(System.Globalization.CultureInfo.InvariantCulture);
                if (double.IsNaN(x) || x < param.Min || x > param.Max)
                    return $"{key} = {x:G} is outside {param.Range()}";
                return null;
            default:
                return null;
        }
    }
}
