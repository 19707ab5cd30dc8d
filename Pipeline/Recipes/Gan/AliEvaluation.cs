using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Divergences;
using Pipeline.Algorithms.Gan;
using Pipeline.Algorithms.Gan.Ali;
using static TorchSharp.torch;

namespace Pipeline.Recipes.Gan;

/// <summary>What the ALI recipes measure at an evaluation, on held-out data and with noise of their own.</summary>
public static class AliEvaluation
{
    /// <summary>
    /// On the mixture: ALI's modes covered (nearest centre over <paramref name="samples"/> generated points), VEEGAN and
    /// PacGAN's modes and high-quality fraction (within 3 standard deviations), the energy distance between generated
    /// and held-out points; with an encoder also the reconstruction error x -> G_z(x) -> G_x(G_z(x)) (mean squared
    /// distance), the fraction of reconstructions that keep their point's mode, and the energy distance between the
    /// codes G_z(x) (q(z)) and the prior p(z).
    /// </summary>
    /// <param name="heldOut">fresh points of the true mixture (the energy distances use as many generated points as this has).</param>
    public static Metrics Mixture(AliState state, Tensor heldOut, Tensor centres, double std, int samples, ulong seed)
    {
        using var scope = NewDisposeScope();
        var generated = AliInference.Sample(state, samples, seed);
        var quality = ModeMetrics.Compute(generated, centres, std);
        var metrics = new List<(string, double)>
        {
            ("modes", NearestCentreCoverage.Modes(generated, centres)),
            ("modes_high_quality", quality.Modes),
            ("high_quality", quality.HighQuality),
            ("energy_distance", EnergyDistance.VStatistic(generated.narrow(0, 0, Math.Min(samples, heldOut.shape[0])), heldOut)),
        };
        if (state.Encoder is not null) metrics.AddRange(Inference(state, heldOut, centres, seed));
        return Metrics.Of([.. metrics]);
    }

    static (string, double)[] Inference(AliState state, Tensor heldOut, Tensor centres, ulong seed)
    {
        var codes = AliInference.Encode(state, heldOut, seed + 1);
        var reconstructions = AliInference.Decode(state, codes);
        var prior = AliInference.Prior(state, heldOut.shape[0], seed + 2);
        var sameMode = NearestCentreCoverage.Assign(reconstructions, centres).eq(NearestCentreCoverage.Assign(heldOut, centres));
        return
        [
            ("reconstruction_error", ScalarFree.Square(reconstructions.sub(heldOut).to_type(ScalarType.Float64)).sum(1).mean().item<double>()),
            ("reconstruction_same_mode", sameMode.to_type(ScalarType.Float64).mean().item<double>()),
            ("latent_energy_distance", EnergyDistance.VStatistic(codes, prior)),
        ];
    }

    /// <summary>
    /// On images: the energy distance between generated and held-out images, the per-pixel mean squared
    /// reconstruction error of held-out images, and the energy distance between their codes and the prior.
    /// </summary>
    public static Metrics Images(AliState state, Tensor heldOut, ulong seed)
    {
        using var scope = NewDisposeScope();
        var generated = AliInference.Sample(state, heldOut.shape[0], seed);
        var codes = AliInference.Encode(state, heldOut, seed + 1);
        var reconstructions = AliInference.Decode(state, codes);
        var prior = AliInference.Prior(state, heldOut.shape[0], seed + 2);
        return Metrics.Of(
            ("energy_distance", EnergyDistance.VStatistic(generated, heldOut)),
            ("reconstruction_mse", ScalarFree.Square(reconstructions.sub(heldOut).to_type(ScalarType.Float64)).mean().item<double>()),
            ("latent_energy_distance", EnergyDistance.VStatistic(codes, prior)));
    }
}
