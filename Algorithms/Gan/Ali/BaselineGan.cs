using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// The ALI paper's GAN baseline on the mixture (gan.md 4.2, gan_mixture.py): ALI without the encoder. The
/// discriminator sees x alone (data labelled 1, G_x(z) labelled 0), the losses are <see cref="AliLosses"/>' with
/// no z, and the update is the same simultaneous step, so the two differ only in inference.
/// </summary>
public sealed class BaselineGan : IAlgorithm<BaselineGanConfig, AliState, AliBatch>
{
    const string Kind = "ali-baseline-gan/1";

    public static AliState Init(BaselineGanConfig config, int seed, Device device) => AliState.Create(config, inference: false, seed, device);

    public static Step<AliState> Update(AliState state, AliBatch batch) => SimultaneousUpdate.Step(state, batch.X);

    public static byte[] Save(AliState state) => state.Save(Kind);

    public static AliState Load(BaselineGanConfig config, byte[] payload, Device device) => Init(config, 0, device).Load(Kind, payload);
}
