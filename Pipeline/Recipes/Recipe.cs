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

/// <summary>
/// A recipe over the algorithm's config record <typeparamref name="TConfig"/>, the data's <typeparamref name="TData"/>
/// and the common <see cref="RunSettings"/>; <c>--set</c> keys of all three share one namespace.
/// </summary>
public sealed class Recipe<TConfig, TData>(
    string name, string summary, string paper, TConfig defaults, TData dataDefaults, long defaultSteps,
    Func<TConfig, TData, RunPlan, Flow<RunEvent>> build) : IRecipe
    where TConfig : IConfig<TConfig>
    where TData : IConfig<TData>
{
    public string Name { get; } = name;
    public string Summary { get; } = summary;
    public string Paper { get; } = paper;
    public long DefaultSteps { get; } = defaultSteps;
    public bool RunsOnCluster { get; init; }

    /// <summary>
    /// Fills in what the data settings determine (NGU: the networks' observation shape and action count, from the
    /// environment), so that config.json records the config that runs. The hash stays over the bound config: the data
    /// settings it is resolved from are hashed already, and runs written before this hook resume unchanged.
    /// </summary>
    public Func<TConfig, TData, TConfig>? Resolve { get; init; }

    /// <summary>Problems that only the two sections together show, reported before any work once each section is valid alone.</summary>
    public Func<TConfig, TData, IEnumerable<string>>? CrossCheck { get; init; }
    public TConfig Defaults { get; } = defaults;
    public TData DataDefaults { get; } = dataDefaults;

    public string DescribeKeys() => string.Join('\n',
        new[] { ConfigBinder.Describe(Defaults), ConfigBinder.Describe(DataDefaults), ConfigBinder.Describe(new RunSettings()) }
            .Where(s => s.Length > 0));

    public Validation<Error, PreparedRun> Prepare(IReadOnlyList<string> assignments, int seed, long steps)
    {
        var runKeys = ConfigBinder.Keys<RunSettings>();
        var dataKeys = ConfigBinder.Keys<TData>();
        var configKeys = ConfigBinder.Keys<TConfig>();
        // A key belongs to the first section that has it: algorithm, then data, then run settings.
        bool IsConfigKey(string a) => configKeys.Contains(ConfigBinder.NormalizedKey(a));
        bool IsDataKey(string a) => !IsConfigKey(a) && dataKeys.Contains(ConfigBinder.NormalizedKey(a));
        bool IsRunKey(string a) => !IsConfigKey(a) && !IsDataKey(a) && runKeys.Contains(ConfigBinder.NormalizedKey(a));
        bool IsKnown(string a) => IsConfigKey(a) || IsDataKey(a) || IsRunKey(a);
        var problems = assignments.Where(a => !IsKnown(a))
            .Select(a => Error.New($"unknown key in '{a}'. Valid keys of {Name}:\n{DescribeKeys()}"))
            .ToList();
        assignments = assignments.Where(IsKnown).ToList();
        if (seed < 0) problems.Add(Error.New($"--seed {seed} must be >= 0"));
        if (steps < 1) problems.Add(Error.New($"--steps {steps} must be >= 1"));
        var config = ConfigBinder.Bind(Defaults, assignments.Where(IsConfigKey));
        var data = ConfigBinder.Bind(DataDefaults, assignments.Where(IsDataKey));
        var settings = ConfigBinder.Bind(new RunSettings(), assignments.Where(IsRunKey));
        config.IfFail(errors => problems.AddRange(errors));
        data.IfFail(errors => problems.AddRange(errors));
        settings.IfFail(errors => problems.AddRange(errors));
        if (problems.Count > 0) return Fail<Error, PreparedRun>(problems.ToSeq());
        var c = config.IfFail(_ => Defaults);
        var d = data.IfFail(_ => DataDefaults);
        var s = settings.IfFail(_ => new RunSettings());
        if (CrossCheck?.Invoke(c, d).Select(Error.New).ToList() is { Count: > 0 } crossed) return Fail<Error, PreparedRun>(crossed.ToSeq());
        var recorded = Resolve is null ? c : Resolve(c, d);
        return Success<Error, PreparedRun>(new PreparedRun(Name, recorded, d, s, assignments, seed, steps, Hash(c, d, seed), plan => build(c, d, plan)));
    }

    string Hash(TConfig config, TData data, int seed)
    {
        var canonical = JsonSerializer.Serialize(new { recipe = Name, seed, config, data }, RunJson.Options);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }
}
