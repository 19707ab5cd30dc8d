using System.Reflection;
using FsCheck.Xunit;
using Pipeline.Algorithms.Classifier;
using Pipeline.Algorithms.Core;
using Pipeline.Recipes;
using Pipeline.Runs;
using Xunit;

namespace Pipeline.Properties.Runs;

public class ConfigValidationProperties
{
    static readonly IRecipe Recipe = RecipeRegistry.Find("mnist-mlp")!;

    static readonly (string Key, ParamAttribute Param, Type Type)[] Fields =
        new[] { typeof(MlpClassifierConfig), typeof(MnistDataConfig), typeof(RunSettings) }
            .SelectMany(t => t.GetProperties())
            .Select(p => (p, param: p.GetCustomAttribute<ParamAttribute>()))
            .Where(x => x.param is not null)
            .Select(x => (ConfigBinder.KeyOf(x.p.Name), x.param!, x.p.PropertyType))
            .ToArray();

    /// <summary>A value just outside the field's range (or not among its choices).</summary>
    static string? Invalid(ParamAttribute param, Type type, int which)
    {
        if (param.OneOf is { Length: > 0 }) return "not-a-choice";
        var candidates = new List<double>();
        if (!double.IsNegativeInfinity(param.Min)) candidates.Add(type == typeof(double) ? param.Min - Math.Max(1e-3, Math.Abs(param.Min)) : param.Min - 1);
        if (!double.IsPositiveInfinity(param.Max)) candidates.Add(type == typeof(double) ? param.Max + 1 : param.Max + 1);
        return candidates.Count == 0 ? null : candidates[which % candidates.Count].ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Property(MaxTest = 100)]
    public bool Every_field_rejects_a_value_outside_its_range_naming_the_field(byte field, byte which)
    {
        var (key, param, type) = Fields[field % Fields.Length];
        if (Invalid(param, type, which) is not { } value) return true;
        var prepared = Recipe.Prepare([$"{key}={value}"], seed: 0, steps: 10);
        return prepared.IsFail && prepared.FailToSeq().Exists(e => e.Message.Contains(key));
    }

    [Property(MaxTest = 50)]
    public bool Every_field_accepts_its_default_spelled_out(byte field)
    {
        var (key, _, _) = Fields[field % Fields.Length];
        var defaults = ConfigBinder.Describe(new MlpClassifierConfig()) + "\n" + ConfigBinder.Describe(new MnistDataConfig()) + "\n" + ConfigBinder.Describe(new RunSettings());
        var line = defaults.Split('\n').Single(l => l.TrimStart().StartsWith(key + " ", StringComparison.Ordinal));
        var value = line.Split('=', 2)[1].Trim().Split(' ')[0];
        return Recipe.Prepare([$"{key}={value}"], 0, 10).IsSuccess;
    }

    [Fact]
    public void An_unknown_key_lists_every_valid_key()
    {
        var error = Assert.Single(Recipe.Prepare(["hiden=12"], 0, 10).FailToSeq());
        Assert.Contains("hiden", error.Message);
        foreach (var (key, _, _) in Fields) Assert.Contains(key, error.Message);
    }

    [Fact]
    public void All_problems_are_reported_at_once()
    {
        var errors = Recipe.Prepare(["hidden=0", "learning-rate=abc", "eval-every=0", "novalue"], seed: -1, steps: 0).FailToSeq();
        Assert.True(errors.Count >= 3, string.Join("\n", errors));
    }

    [Fact]
    public void Keys_are_kebab_case_and_forgive_case_and_underscores()
    {
        var prepared = Recipe.Prepare(["Learning_Rate=0.01", "BATCH-SIZE=64"], 0, 10);
        Assert.True(prepared.IsSuccess);
        var config = (MlpClassifierConfig)prepared.IfFail(_ => throw new InvalidOperationException()).Config;
        Assert.Equal(0.01, config.LearningRate);
        Assert.Equal(64, config.BatchSize);
    }
}
