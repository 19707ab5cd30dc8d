using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Training;
using static LanguageExt.Prelude;

namespace Pipeline.Recipes;

/// <summary>A recipe over one config record <typeparamref name="TConfig"/> plus the common <see cref="RunSettings"/>.</summary>
public sealed class Recipe<TConfig>(
    string name, string summary, string paper, TConfig defaults, long defaultSteps,
    Func<TConfig, RunPlan, Flow<RunEvent>> build) : IRecipe where TConfig : IConfig<TConfig>
{
    public string Name { get; } = name;
    public string Summary { get; } = summary;
    public string Paper { get; } = paper;
    public long DefaultSteps { get; } = defaultSteps;
    public TConfig Defaults { get; } = defaults;

    public string DescribeKeys() =>
        $"{ConfigBinder.Describe(Defaults)}\n{ConfigBinder.Describe(new RunSettings())}";

    public Validation<Error, PreparedRun> Prepare(IReadOnlyList<string> assignments, int seed, long steps)
    {
        var runKeys = ConfigBinder.Keys<RunSettings>();
        var configKeys = ConfigBinder.Keys<TConfig>();
        bool IsRunKey(string a) => runKeys.Contains(ConfigBinder.NormalizedKey(a)) && !configKeys.Contains(ConfigBinder.NormalizedKey(a));
        bool IsKnown(string a) => runKeys.Contains(ConfigBinder.NormalizedKey(a)) || configKeys.Contains(ConfigBinder.NormalizedKey(a));
        var problems = assignments.Where(a => !IsKnown(a))
            .Select(a => Error.New($"unknown key in '{a}'. Valid keys of {Name}:\n{DescribeKeys()}"))
            .ToList();
        assignments = assignments.Where(IsKnown).ToList();
        if (seed < 0) problems.Add(Error.New($"--seed {seed} must be >= 0"));
        if (steps < 1) problems.Add(Error.New($"--steps {steps} must be >= 1"));
        var config = ConfigBinder.Bind(Defaults, assignments.Where(a => !IsRunKey(a)));
        var settings = ConfigBinder.Bind(new RunSettings(), assignments.Where(IsRunKey));
        config.IfFail(errors => problems.AddRange(errors));
        settings.IfFail(errors => problems.AddRange(errors));
        if (problems.Count > 0) return Fail<Error, PreparedRun>(problems.ToSeq());
        var c = config.IfFail(_ => Defaults);
        var s = settings.IfFail(_ => new RunSettings());
        return Success<Error, PreparedRun>(new PreparedRun(Name, c, s, assignments, seed, steps, Hash(c, seed), plan => build(c, plan)));
    }

    string Hash(TConfig config, int seed)
    {
        var canonical = JsonSerializer.Serialize(new { recipe = Name, seed, config }, RunJson.Options);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }
}
