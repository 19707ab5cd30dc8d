using System.Diagnostics;
using System.Globalization;
using Pipeline.Algorithms.Divergences;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Benchmarks;

/// <summary>Pairs per second of the blocked energy-distance and MMD estimators (2-D float64 samples, n = m).</summary>
public static class DivergenceThroughput
{
    public static void Run(IReadOnlyList<int> sizes)
    {
        using var generator = new Generator(1);
        var kernel = Kernel.GaussianMixture(0.1, 0.5, 2);
        foreach (var n in sizes)
        {
            using var x = randn([n, 2], dtype: ScalarType.Float64, generator: generator);
            using var y = randn([n, 2], dtype: ScalarType.Float64, generator: generator).add(0.1);
            // Each estimator touches three n x n blocks of pairs (xx, yy, xy).
            var pairs = 3.0 * n * n;
            Measure($"energy distance (V), n = {n}", pairs, () => EnergyDistance.VStatistic(x, y));
            if (n <= 20000) Measure($"MMD^2 unbiased, 3 Gaussian bandwidths, n = {n}", pairs, () => MaximumMeanDiscrepancy.Squared(x, y, kernel, unbiased: true));
        }
    }

    static void Measure(string name, double pairs, Func<double> estimate)
    {
        var clock = Stopwatch.StartNew();
        var value = estimate();
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {seconds:F3} s, {pairs / seconds:E3} pairs/s (value {value:G6})"));
    }
}
