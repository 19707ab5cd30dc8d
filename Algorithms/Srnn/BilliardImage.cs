using Pipeline.Algorithms.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// The heavy billiard's background as the SRNN paper draws it (App. A.3): a 128 x 128 image whose walls, 12 px thick,
/// are 1 and whose 104 x 104 px free interior, the unit square of <c>HeavyBilliard</c>, is 0 (rows run top-down, so
/// y = 1 is row 12). The rebound networks read square patches of it around continuous positions, by nearest pixel:
/// as with a real image, no gradient flows into the position through a patch. Pixels beyond the image count as its
/// edge, which is wall.
/// </summary>
public sealed class BilliardImage : IDisposable
{
    public const int Side = 128, WallWidth = 12, Interior = Side - 2 * WallWidth;

    readonly Tensor pixels;

    public BilliardImage(Device device, ScalarType dtype)
    {
        var image = new float[Side * Side];
        for (var row = 0; row < Side; row++)
            for (var column = 0; column < Side; column++)
                image[row * Side + column] = IsWall(row) || IsWall(column) ? 1 : 0;
        using var cpu = tensor(image);
        pixels = cpu.to(dtype).to(device);
    }

    static bool IsWall(int pixel) => pixel < WallWidth || pixel >= WallWidth + Interior;

    /// <summary>The image as [128, 128] (1 = wall).</summary>
    public Tensor Image => pixels.view(Side, Side);

    /// <summary>
    /// The size x size patches centred at positions q (B x 2, unit-square coordinates), flattened row-major to
    /// B x size². A patch covers the pixels whose centres lie within size / 2 of the position along each axis.
    /// </summary>
    public Tensor Patches(Tensor q, int size)
    {
        if (q.dim() != 2 || q.shape[1] != 2) throw new ArgumentException($"positions must be B x 2, not [{string.Join(", ", q.shape)}]");
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "a patch must be at least 1 pixel wide");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Integer scalars held for the call, real ones cached (see Scalars: temporaries are unsafe in a training step).
        using Scalar first = 0L, last = (long)Side - 1, stride = (long)Side;
        var (interior, offset) = (Scalars.Of(Interior), Scalars.Of(WallWidth - size / 2.0));
        var offsets = arange(size, dtype: ScalarType.Int64, device: q.device);
        // Pixel centres sit at integer + 0.5; the first covered pixel is round(c - size / 2) in pixel units.
        var column = q.select(1, 0).detach().mul(interior).add(offset).round().to_type(ScalarType.Int64);
        var row = q.select(1, 1).detach().neg().add(Scalars.Of(1)).mul(interior).add(offset).round().to_type(ScalarType.Int64);
        var columns = column.unsqueeze(1).add(offsets).clamp(first, last).unsqueeze(1);
        var rows = row.unsqueeze(1).add(offsets).clamp(first, last).unsqueeze(2);
        var index = rows.mul(stride).add(columns).flatten();
        return pixels.index_select(0, index).view(q.shape[0], size * size).MoveToOuterDisposeScope();
    }

    public void Dispose() => pixels.Dispose();
}
