using FsCheck.Xunit;
using Pipeline.Algorithms.Irm;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Properties.Irm;

/// <summary>
/// IRM paper section 3.2 and appendix D (irm_ngu.md 1.2): over many minibatches drawn i.i.d. from a population, the
/// mean of the two-half product equals the squared scale gradient of the population risk, while the square of a
/// minibatch's gradient overshoots it by the gradient's variance. The population is a discrete mixture, so its
/// gradient is known exactly.
/// </summary>
public class IrmUnbiasedEstimatorProperties
{
    const int Batches = 10_000, BatchSize = 8;

    /// <summary>
    /// |z| below this for the true mean: under the central limit theorem a two-sided false failure has probability
    /// 6.8e-6 per case, so about 2e-5 for a run of the three cases below.
    /// </summary>
    const double Threshold = 4.5;

    static readonly double[] Logits = [-3, -2, -1, -0.5, 0.5, 1, 2, 3];

    /// <summary>Labels come from σ(f / 2): the predictor is over-confident, so its optimal scale is below 1 and the population gradient is non-zero.</summary>
    static double LabelProbability(double f) => 1 / (1 + Math.Exp(-f / 2));

    static double PopulationGradient() => Logits.Average(f => (1 / (1 + Math.Exp(-f)) - LabelProbability(f)) * f);

    /// <summary>z statistic of the mean of <paramref name="estimate"/> over i.i.d. minibatches against the squared population gradient.</summary>
    static double ZScore(int seed, Func<Tensor, Tensor, Generator, double> estimate)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var atoms = tensor(Logits, dtype: ScalarType.Float64);
        var probabilities = tensor(Logits.Select(LabelProbability).ToArray(), dtype: ScalarType.Float64);
        var picks = randint(0, Logits.Length, [Batches * BatchSize], generator: generator);
        var logits = atoms.index_select(0, picks).view(-1, 1);
        var labels = rand([Batches * BatchSize], dtype: ScalarType.Float64, generator: generator)
            .lt(probabilities.index_select(0, picks)).to_type(ScalarType.Float64).view(-1, 1);
        var values = new double[Batches];
        for (var i = 0; i < Batches; i++)
        {
            using var inner = NewDisposeScope();
            values[i] = estimate(logits.narrow(0, i * BatchSize, BatchSize), labels.narrow(0, i * BatchSize, BatchSize), generator);
        }
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (Batches - 1));
        var target = Math.Pow(PopulationGradient(), 2);
        return (mean - target) / (sd / Math.Sqrt(Batches));
    }

    [Property(MaxTest = 3)]
    public bool The_mean_of_the_two_half_product_is_the_squared_population_gradient(int seed) =>
        Math.Abs(ZScore(seed, (f, y, g) => IrmPenalty.Unbiased(f, y, g).item<double>())) < Threshold;

    /// <summary>The same test rejects the biased estimator, so it has the power to catch a wrong one.</summary>
    [Property(MaxTest = 3)]
    public bool The_same_test_rejects_the_square_of_the_minibatch_gradient(int seed) =>
        ZScore(seed, (f, y, _) => IrmPenalty.ClosedForm(f, y).item<double>()) > Threshold;
}
