using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// Evaluation-time use of trained networks: samples x~ = G_x(z), codes z^ = G_z(x) and reconstructions
/// G_x(G_z(x)). Batch norm uses its population statistics, nothing is trained, and all noise comes from a generator
/// of its own seeded by the caller, so evaluating never changes the training trajectory.
/// </summary>
public static class AliInference
{
    /// <summary><paramref name="count"/> draws of z ~ N(0, I) (the prior p(z)), from <paramref name="seed"/>.</summary>
    public static Tensor Prior(AliState state, long count, ulong seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one sample");
        using var generator = new Generator(seed, state.Device);
        return randn([count, state.Config.LatentDim], device: state.Device, generator: generator);
    }

    /// <summary><paramref name="count"/> samples of the decoder's marginal p(x): G_x(z), z ~ N(0, I) drawn from <paramref name="seed"/>.</summary>
    public static Tensor Sample(AliState state, long count, ulong seed)
    {
        using var z = Prior(state, count, seed);
        return Decode(state, z);
    }

    /// <summary>G_x(z) for given codes.</summary>
    public static Tensor Decode(AliState state, Tensor z)
    {
        DataChecks.Matrix(z, state.Config.LatentDim, 1, nameof(z));
        return Evaluating(state, () => state.Decoder.call(z));
    }

    /// <summary>z^ = G_z(x): one draw of q(z | x) per row, its noise from <paramref name="seed"/>.</summary>
    public static Tensor Encode(AliState state, Tensor x, ulong seed)
    {
        var encoder = state.Encoder ?? throw new InvalidOperationException("a GAN has no encoder: only ALI infers z from x");
        DataChecks.Matrix(x, state.Config.DataDim, 1, nameof(x));
        using var generator = new Generator(seed, state.Device);
        using var epsilon = randn([x.shape[0], encoder.NoiseDim], device: state.Device, generator: generator);
        return Evaluating(state, () => encoder.call(x, epsilon));
    }

    /// <summary>The reconstruction x -> z^ = G_z(x) -> G_x(z^).</summary>
    public static Tensor Reconstruct(AliState state, Tensor x, ulong seed)
    {
        using var z = Encode(state, x, seed);
        return Decode(state, z);
    }

    /// <summary>Mean over rows of the squared Euclidean distance between <paramref name="x"/> and its reconstruction.</summary>
    public static double ReconstructionError(AliState state, Tensor x, ulong seed)
    {
        using var scope = NewDisposeScope();
        var reconstruction = Reconstruct(state, x, seed);
        return ScalarFree.Square(reconstruction.sub(x).to_type(ScalarType.Float64)).sum(1).mean().item<double>();
    }

    static Tensor Evaluating(AliState state, Func<Tensor> run)
    {
        state.Encoder?.eval();
        state.Decoder.eval();
        try
        {
            using var _ = no_grad();
            return run();
        }
        finally
        {
            state.Encoder?.train();
            state.Decoder.train();
        }
    }
}
