using FsCheck.Xunit;
using Pipeline.Algorithms.Divergences;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Properties.Gan;

public class DivergenceProperties
{
    /// <summary>
    /// WGAN-paper Example 1: P0 the law of (0, Z), P_theta of (theta, Z), Z ~ U[0, 1]. W = |theta|; JS = log 2,
    /// KL = +infinity and TV = 1 for theta != 0; all 0 for theta = 0. The pmfs put Z's bins on the line x = 0 or x = theta.
    /// </summary>
    [Property(MaxTest = 50)]
    public bool The_parallel_lines_have_the_papers_distances(short thetaThousandths, byte bins)
    {
        using var scope = NewDisposeScope();
        var theta = thetaThousandths / 1000.0;
        var k = 1 + bins % 50;
        // Support: 2k points, (0, z_j) then (theta, z_j); when theta = 0 the two lines are the same points.
        var line = full(k, 1.0 / k, dtype: ScalarType.Float64);
        var empty = zeros(k, dtype: ScalarType.Float64);
        var p0 = cat([line, empty]);
        var pTheta = theta == 0 ? p0 : cat([empty, line]);
        double js = DiscreteDivergences.JensenShannon(p0, pTheta), kl = DiscreteDivergences.KullbackLeibler(pTheta, p0),
               klReverse = DiscreteDivergences.KullbackLeibler(p0, pTheta), tv = DiscreteDivergences.TotalVariation(p0, pTheta);

        // W: the x-marginal alone already costs |theta| (a lower bound), and pairing (0, z) with (theta, z) costs |theta|.
        using var generator = new Generator((ulong)(thetaThousandths + 40000));
        var z = rand(200, dtype: ScalarType.Float64, generator: generator);
        var marginal = Wasserstein1D.Exact(zeros_like(z), full_like(z, theta));
        var pairing = stack([zeros_like(z), z], 1).sub(stack([full_like(z, theta), z], 1)).norm(1).mean().item<double>();

        var same = theta == 0;
        return Math.Abs(marginal - Math.Abs(theta)) < 1e-12 && Math.Abs(pairing - Math.Abs(theta)) < 1e-12
            && (same ? js == 0 && kl == 0 && klReverse == 0 && tv == 0
                     : Math.Abs(js - Math.Log(2)) < 1e-12 && double.IsPositiveInfinity(kl) && double.IsPositiveInfinity(klReverse) && Math.Abs(tv - 1) < 1e-12);
    }

    [Property(MaxTest = 30)]
    public bool Energy_distance_is_zero_between_equal_samples_symmetric_and_positive_otherwise(ushort seed, byte shift)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var x = randn([100, 2], dtype: ScalarType.Float64, generator: generator);
        var y = randn([100, 2], dtype: ScalarType.Float64, generator: generator).add(1 + shift % 5);
        var xy = EnergyDistance.VStatistic(x, y);
        return Math.Abs(EnergyDistance.VStatistic(x, x)) < 1e-12 && Math.Abs(xy - EnergyDistance.VStatistic(y, x)) < 1e-12 && xy > 0.5;
    }
}
