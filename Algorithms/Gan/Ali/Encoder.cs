using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan.Ali;

/// <summary>
/// ALI's encoder G_z(x), a sample of q(z | x) made differentiable by reparametrisation (gan.md 4.1): the noise eps ~
/// N(0, I) is an input, so gradients reach the encoder through z.
/// <list type="bullet">
/// <item><c>noise-input</c> (the mixture code's COVConditional): z = MLP(concat(x, eps)), eps of x's dimension.</item>
/// <item><c>gaussian</c>: (mu, log sigma) = MLP(x), z = mu + exp(log sigma) * eps, eps of z's dimension.</item>
/// </list>
/// </summary>
public sealed class Encoder : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BatchNormMlp network;

    public Encoder(AliConfig config, Generator generator, Device device) : base("encoder")
    {
        Gaussian = config.Encoder == "gaussian";
        LatentDim = config.LatentDim;
        NoiseDim = Gaussian ? config.LatentDim : config.DataDim;
        network = new BatchNormMlp("encoder-network", Gaussian ? config.DataDim : 2 * config.DataDim, config.EncoderHidden, config.EncoderLayers,
            Gaussian ? 2 * config.LatentDim : config.LatentDim, config.BatchNorm, config.BatchNormMomentum, false, config.InitStd, generator, device);
        RegisterComponents();
    }

    public bool Gaussian { get; }
    public int LatentDim { get; }

    /// <summary>The dimension of the noise eps one encoding of one x consumes.</summary>
    public int NoiseDim { get; }

    /// <param name="x">data, n x data-dim.</param>
    /// <param name="epsilon">standard normal noise, n x <see cref="NoiseDim"/>.</param>
    public override Tensor forward(Tensor x, Tensor epsilon)
    {
        if (!Gaussian) return network.call(cat([x, epsilon], 1));
        var output = network.call(x);
        var (mu, logSigma) = (output.narrow(1, 0, LatentDim), output.narrow(1, LatentDim, LatentDim));
        return mu.add(logSigma.exp().mul(epsilon));
    }
}
