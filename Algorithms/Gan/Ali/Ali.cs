using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// Adversarially Learned Inference (Dumoulin et al. 2017, Algorithm 1; gan.md 4.1): the discriminator tells encoder
/// pairs (x, G_z(x)), x ~ q(x), from decoder pairs (G_x(z), z), z ~ N(0, I); the encoder and decoder learn to make
/// them indistinguishable. At the optimum D*(x, z) = q(x, z) / (q(x, z) + p(x, z)) and the generators minimise
/// JSD(q(x, z) || p(x, z)). One update is the reference code's simultaneous step (<see cref="SimultaneousUpdate"/>).
/// </summary>
public sealed class Ali : IAlgorithm<AliConfig, AliState, AliBatch>
{
    const string Kind = "ali/1";

    public static AliState Init(AliConfig config, int seed, Device device) => AliState.Create(config, inference: true, seed, device);

    public static Step<AliState> Update(AliState state, AliBatch batch) => SimultaneousUpdate.Step(state, batch.X);

    public static byte[] Save(AliState state) => state.Save(Kind);

    public static AliState Load(AliConfig config, byte[] payload, Device device) => Init(config, 0, device).Load(Kind, payload);
}
