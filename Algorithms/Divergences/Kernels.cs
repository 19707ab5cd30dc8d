using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Divergences;

/// <summary>A characteristic kernel written as a function of the squared distance.</summary>
public abstract record Kernel
{
    public abstract Tensor OfSquaredDistance(Tensor squared);

    /// <summary>The sum of Gaussian kernels exp(-d^2 / (2 s^2)) over several bandwidths s (a common MMD-GAN choice).</summary>
    public static Kernel GaussianMixture(params double[] bandwidths) => new GaussianMixtureKernel(Checked(bandwidths, nameof(bandwidths)));

    /// <summary>The inverse multiquadric (1 + d^2 / c^2)^(-1/2), heavy-tailed, summed over scales c.</summary>
    public static Kernel InverseMultiquadric(params double[] scales) => new InverseMultiquadricKernel(Checked(scales, nameof(scales)));

    static double[] Checked(double[] values, string name)
    {
        if (values.Length == 0) throw new ArgumentException("at least one bandwidth is needed", name);
        if (values.Any(v => !(v > 0) || !double.IsFinite(v)))
            throw new ArgumentException($"bandwidths must be positive and finite, not {string.Join(", ", values)}", name);
        return values;
    }

    sealed record GaussianMixtureKernel(double[] Bandwidths) : Kernel
    {
        public override Tensor OfSquaredDistance(Tensor squared)
        {
            Tensor? sum = null;
            foreach (var s in Bandwidths)
            {
                var term = squared.mul(Scalars.Of(-1 / (2 * s * s))).exp();
                sum = sum is null ? term : sum.add(term);
            }
            return sum!;
        }
    }

    sealed record InverseMultiquadricKernel(double[] Scales) : Kernel
    {
        public override Tensor OfSquaredDistance(Tensor squared)
        {
            Tensor? sum = null;
            foreach (var c in Scales)
            {
                var term = squared.mul(Scalars.Of(1 / (c * c))).add(Scalars.Of(1)).rsqrt();
                sum = sum is null ? term : sum.add(term);
            }
            return sum!;
        }
    }
}
