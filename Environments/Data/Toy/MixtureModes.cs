using static TorchSharp.torch;

namespace Pipeline.Environments.Data.Toy;

/// <summary>The centres and common isotropic standard deviation of a Gaussian mixture, for mode metrics.</summary>
public sealed record MixtureModes(double[,] Centres, double Std)
{
    public int Count => Centres.GetLength(0);

    /// <summary>The centres as a (K x 2) float64 tensor.</summary>
    public Tensor CentresTensor(Device? device = null)
    {
        var flat = new double[Count * 2];
        Buffer.BlockCopy(Centres, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, [Count, 2], dtype: ScalarType.Float64, device: device);
    }
}
