using System.Reflection;
using FsCheck.Xunit;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Irm;
using Pipeline.Recipes;
using Xunit;

namespace Pipeline.Properties.Irm;

/// <summary>Bad IRM settings are refused before any work starts, naming the field; the method picks its reference row.</summary>
public class IrmConfigProperties
{
    static readonly IRecipe Recipe = new IrmColoredMnistRecipe();

    static readonly (string Key, ParamAttribute Param, Type Type)[] Fields = typeof(IrmConfig).GetProperties()
        .Select(p => (p, param: p.GetCustomAttribute<ParamAttribute>()))
        .Where(x => x.param is not null)
        .Select(x => (ConfigBinder.KeyOf(x.p.Name), x.param!, x.p.PropertyType))
        .ToArray();

    static IrmConfig Config(params string[] assignments)
    {
        var prepared = Recipe.Prepare(assignments, 0, 10);
        Assert.True(prepared.IsSuccess, string.Join("; ", prepared.FailToSeq()));
        return (IrmConfig)prepared.IfFail(_ => throw new InvalidOperationException()).Config;
    }

    static string Errors(params string[] assignments) => string.Join("\n", Recipe.Prepare(assignments, 0, 10).FailToSeq());

    [Property(MaxTest = 60)]
    public bool Every_field_refuses_a_value_outside_its_range_naming_the_field(byte field, bool high)
    {
        var (key, param, type) = Fields[field % Fields.Length];
        string value;
        if (param.OneOf is { Length: > 0 }) value = "not-a-choice";
        else if (high && !double.IsPositiveInfinity(param.Max)) value = (param.Max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        else if (!double.IsNegativeInfinity(param.Min)) value = (type == typeof(double) ? param.Min - 0.5 : param.Min - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        else return true;
        // erm-only rules would fire too for some values; the method is kept at irm so only the field's own rule speaks.
        return Errors($"{key}={value}").Contains(key);
    }

    [Theory]
    [InlineData("penalty-weight=NaN", "penalty-weight")]
    [InlineData("penalty-weight=-1", "penalty-weight")]
    [InlineData("label-noise=1.25", "label-noise")]
    [InlineData("first-color-flip=-0.1", "first-color-flip")]
    [InlineData("test-color-flip=2", "test-color-flip")]
    [InlineData("train-size=1", "train-size")]
    [InlineData("test-size=0", "test-size")]
    [InlineData("train-size=55000", "train-size")]
    [InlineData("penalty=squared", "penalty")]
    [InlineData("precision=float16", "precision")]
    public void Bad_values_are_refused_before_training_naming_the_field(string assignment, string key) =>
        Assert.Contains(key, Errors(assignment));

    [Fact]
    public void A_NaN_penalty_weight_set_in_code_is_refused_naming_the_field()
    {
        var errors = new IrmConfig { PenaltyWeight = double.NaN, SecondColorFlip = double.NaN }.Validate().FailToSeq();
        Assert.Contains(errors, e => e.Message.Contains("penalty-weight"));
        Assert.Contains(errors, e => e.Message.Contains("second-color-flip"));
    }

    [Fact]
    public void Erm_and_the_oracle_refuse_a_penalty()
    {
        Assert.Contains("penalty-weight", Errors("method=erm", "penalty-weight=100"));
        Assert.Contains("method=grayscale", Errors("method=grayscale", "penalty-anneal-iters=10"));
    }

    [Fact]
    public void The_method_starts_from_its_reference_row_and_explicit_values_apply_on_top()
    {
        Assert.Equal(IrmConfig.Reference(IrmConfig.Irm), Config());
        var erm = Config("method=erm");
        Assert.Equal((256, 0.001, 0.001, 0, 0.0), (erm.Hidden, erm.L2Weight, erm.LearningRate, erm.PenaltyAnnealIters, erm.PenaltyWeight));
        var oracle = Config("hidden=10", "method=grayscale");
        Assert.True(oracle.IsGrayscale);
        Assert.Equal(10, oracle.Hidden);
        Assert.Equal(0.0028171488133821726, oracle.LearningRate);
        Assert.Equal(101, IrmConfig.ReferenceSteps(IrmConfig.Grayscale));
    }

    [Fact]
    public void The_penalty_weight_is_one_until_the_anneal_step_then_full_and_zero_without_irm()
    {
        var irm = new IrmConfig { PenaltyAnnealIters = 190, PenaltyWeight = 1e4 };
        Assert.Equal(1.0, InvariantRiskMinimization.PenaltyWeightAt(irm, 0));
        Assert.Equal(1.0, InvariantRiskMinimization.PenaltyWeightAt(irm, 189));
        Assert.Equal(1e4, InvariantRiskMinimization.PenaltyWeightAt(irm, 190));
        Assert.Equal(0.0, InvariantRiskMinimization.PenaltyWeightAt(IrmConfig.Reference(IrmConfig.Erm), 0));
    }
}
